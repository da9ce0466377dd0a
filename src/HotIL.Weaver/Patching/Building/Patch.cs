using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A patch ready to load: its module, and which registry entries of the patch fill which slots.
/// Indices refer to the patch's own registry. The builder records into it; everything after reads it.
/// </summary>
internal sealed class Patch
{
    private readonly Dictionary<MethodKey, int> _changed = [];
    private readonly Dictionary<MethodKey, int> _tombstones = [];
    private readonly Dictionary<MethodKey, int> _ownSlots = [];
    private readonly Dictionary<MethodKey, int> _ownGenericSlots = [];
    private readonly Dictionary<MethodKey, MethodDefinition> _changedGeneric = [];
    private readonly Dictionary<MethodKey, MethodDefinition> _addedFactories = [];
    private readonly Dictionary<MethodKey, MethodDefinition> _addedMethods = [];
    private readonly Dictionary<(string Type, string Name), AddedFieldHome> _addedFields = [];
    private readonly Dictionary<MethodKey, PatchDispatch> _dispatch = [];
    private readonly Dictionary<string, TypeDefinition> _definedTypes = [];
    private readonly List<EditWarning> _warnings = [];

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
    public IReadOnlyDictionary<MethodKey, int> Changed => _changed;

    /// <summary>Existing slots to repoint to a tombstone: key → patch registry index of the tombstone.</summary>
    public IReadOnlyDictionary<MethodKey, int> Tombstones => _tombstones;

    /// <summary>Slots this patch owns (added methods, methods of added types): key → patch registry index.</summary>
    public IReadOnlyDictionary<MethodKey, int> OwnSlots => _ownSlots;

    /// <summary>Generic slot holders this patch owns: key → holder index in the patch registry.</summary>
    public IReadOnlyDictionary<MethodKey, int> OwnGenericSlots => _ownGenericSlots;

    /// <summary>Changed generic bodies: key → the open implementation the runtime instantiates for each holder.</summary>
    public IReadOnlyDictionary<MethodKey, MethodDefinition> ChangedGeneric => _changedGeneric;

    /// <summary>Factories standing for <c>new</c> of constructors added to loaded types, by the constructor's key: later patches call these.</summary>
    public IReadOnlyDictionary<MethodKey, MethodDefinition> AddedFactories => _addedFactories;

    /// <summary>Forwarders of methods added to existing types, by key: later patches call these.</summary>
    public IReadOnlyDictionary<MethodKey, MethodDefinition> AddedMethods => _addedMethods;

    /// <summary>Fields this patch added to loaded classes, by declaring type full name and field name.</summary>
    public IReadOnlyDictionary<(string Type, string Name), AddedFieldHome> AddedFields => _addedFields;

    /// <summary>Dispatchers this patch puts in front of virtual methods, by root key.</summary>
    public IReadOnlyDictionary<MethodKey, PatchDispatch> Dispatch => _dispatch;

    /// <summary>Warnings about how the patch applies (e.g. an initializer that could not be lifted).</summary>
    public IReadOnlyList<EditWarning> Warnings => _warnings;

    /// <summary>User types this patch defines (added types), by full name.</summary>
    public IReadOnlyDictionary<string, TypeDefinition> DefinedTypes => _definedTypes;

    /// <summary>
    /// Why later patches may refer to this one, which therefore stays loaded for the life of the program, or null
    /// when it carries bodies alone (nothing can name them, so it is retired once no slot points into it).
    /// </summary>
    public string? PinnedBecause =>
        _definedTypes.Count > 0 ? "it defines types"
        : _addedMethods.Count > 0 ? "it defines methods added to existing types"
        : _addedFields.Count > 0 ? "it stores fields added to existing types"
        : _dispatch.Count > 0 ? "it dispatches overrides added to existing types"
        : null;

    internal void Repoint(MethodKey key, int index) => _changed[key] = index;

    internal void RepointGeneric(MethodKey key, MethodDefinition body) => _changedGeneric[key] = body;

    internal void Tombstone(MethodKey key, int index) => _tombstones[key] = index;

    internal void OwnSlot(WovenSlot slot) => (slot.IsGeneric ? _ownGenericSlots : _ownSlots)[slot.Key] = slot.Index;

    internal void AddMethod(MethodKey key, MethodDefinition forwarder) => _addedMethods[key] = forwarder;

    internal void AddFactory(MethodKey constructor, MethodDefinition factory) => _addedFactories[constructor] = factory;

    internal void AddField((string Type, string Name) field, AddedFieldHome home) => _addedFields[field] = home;

    internal void AddDispatch(MethodKey root, PatchDispatch dispatch) => _dispatch[root] = dispatch;

    internal void Define(TypeDefinition type) => _definedTypes[type.FullName] = type;

    internal void Warn(EditWarning warning) => _warnings.Add(warning);

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
internal sealed record PatchDispatch(int Dispatcher, int? NewBodySlot, DispatchHome Home);
