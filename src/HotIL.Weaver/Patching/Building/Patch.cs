using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A patch ready to load: its module, and which registry entries of the patch fill which slots.
/// Indices refer to the patch's own registry.
/// </summary>
public sealed class Patch
{
    internal Patch(ModuleDefinition module, int generation)
    {
        Module = module;
        Generation = generation;
    }

    /// <summary>The patch module (a transformed copy of the recompiled assembly).</summary>
    public ModuleDefinition Module { get; }

    /// <summary>Generation number this patch creates.</summary>
    public int Generation { get; }

    /// <summary>Simple name of the patch assembly.</summary>
    public string AssemblyName => Module.Assembly.Name.Name;

    /// <summary>Existing slots to repoint to a new body: key → patch registry index of the new impl.</summary>
    public Dictionary<MethodKey, int> Changed { get; } = [];

    /// <summary>Existing slots to repoint to a tombstone: key → patch registry index of the tombstone.</summary>
    public Dictionary<MethodKey, int> Tombstones { get; } = [];

    /// <summary>Slots this patch owns (added methods, methods of added types): key → patch registry index.</summary>
    public Dictionary<MethodKey, int> OwnSlots { get; } = [];

    /// <summary>Generic slot holders this patch owns: key → holder index in the patch registry.</summary>
    public Dictionary<MethodKey, int> OwnGenericSlots { get; } = [];

    /// <summary>Changed generic bodies: key → the open implementation the runtime instantiates for each holder.</summary>
    public Dictionary<MethodKey, MethodDefinition> ChangedGeneric { get; } = [];

    internal void OwnSlot(WovenSlot slot) => (slot.IsGeneric ? OwnGenericSlots : OwnSlots)[slot.Key] = slot.Index;

    /// <summary>Factories standing for <c>new</c> of constructors added to loaded types, by the constructor's key: later patches call these.</summary>
    public Dictionary<MethodKey, MethodDefinition> AddedFactories { get; } = [];

    /// <summary>Forwarders of methods added to existing types, by key: later patches call these.</summary>
    public Dictionary<MethodKey, MethodDefinition> AddedMethods { get; } = [];

    /// <summary>Fields this patch added to loaded classes, by declaring type full name and field name.</summary>
    public Dictionary<(string Type, string Name), AddedFieldHome> AddedFields { get; } = [];

    /// <summary>Dispatchers this patch puts in front of virtual methods, by root key.</summary>
    public Dictionary<MethodKey, PatchDispatch> Dispatch { get; } = [];

    /// <summary>Warnings about how the patch applies (e.g. an initializer that could not be lifted).</summary>
    public List<EditWarning> Warnings { get; } = [];

    /// <summary>User types this patch defines (added types), by full name.</summary>
    public Dictionary<string, TypeDefinition> DefinedTypes { get; } = [];

    /// <summary>Writes the patch assembly and its portable PDB.</summary>
    public (byte[] Assembly, byte[] Pdb) Write()
    {
        var dll = new MemoryStream();
        var pdb = new MemoryStream();
        Module.Write(dll, new WriterParameters
        {
            WriteSymbols = Module.HasSymbols,
            SymbolWriterProvider = new Mono.Cecil.Cil.PortablePdbWriterProvider(),
            SymbolStream = pdb,
        });
        return (dll.ToArray(), pdb.ToArray());
    }
}

/// <summary>What a patch does to one dispatched virtual method.</summary>
/// <param name="Dispatcher">Patch registry index of the dispatcher, written into the method's slot.</param>
/// <param name="NewBodySlot">Patch registry index of a body slot this patch creates (it starts at this patch's copy of the method's body), or null when an earlier patch made it.</param>
/// <param name="Home">The dispatch as it stands after this patch.</param>
public sealed record PatchDispatch(int Dispatcher, int? NewBodySlot, DispatchHome Home);
