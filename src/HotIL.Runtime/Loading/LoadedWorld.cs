using System.Reflection;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;

namespace HotIL.Loading;

/// <summary>Returns a registry slot by reference, for one volatile read or write.</summary>
internal delegate ref nint SlotAccessor(int index);

/// <summary>
/// The running program as the patch builder sees it: where each user type and method lives
/// (the original woven assembly or the patch that added it) and where each slot is.
/// </summary>
internal sealed class LoadedWorld : ILoadedWorld
{
    private readonly Dictionary<string, TypeDefinition> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<MethodKey, MethodDefinition> _methods = [];
    private readonly Dictionary<MethodKey, MethodDefinition> _added = [];
    private readonly Dictionary<MethodKey, (SlotAccessor Accessor, int Index)> _slots = [];
    private readonly Dictionary<string, Assembly> _assemblies = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), AddedFieldHome> _addedFields = [];
    private readonly Dictionary<MethodKey, Type> _genericHolders = [];
    private readonly Dictionary<MethodKey, DispatchHome> _dispatch = [];
    private readonly Dictionary<MethodKey, (SlotAccessor Accessor, int Index)> _bodySlots = [];
    private readonly Dictionary<MethodKey, MethodKey> _overrideRoots = [];
    private readonly Dictionary<MethodKey, MethodDefinition> _factories = [];

    public LoadedWorld(Assembly original, ModuleDefinition wovenModule, Manifest manifest)
    {
        _assemblies[original.GetName().Name!] = original;
        var accessor = AccessorOf(original);
        for (var i = 0; i < manifest.Slots.Count; i++) _slots[new MethodKey(manifest.Slots[i])] = (accessor, i);
        AddGenericHolders(original);
        foreach (var type in wovenModule.GetTypes().Where(IsUserType))
        {
            _types[type.FullName] = type;
            foreach (var method in type.Methods.Where(m => !ImplNaming.IsImplName(m.Name)))
                _methods[MethodKey.For(method)] = method;
        }
    }

    /// <summary>The program's assembly and every loaded patch, by simple name.</summary>
    public IReadOnlyDictionary<string, Assembly> Assemblies => _assemblies;

    public TypeDefinition? FindType(string fullName) => _types.GetValueOrDefault(fullName);

    public MethodDefinition? FindAddedMethod(MethodKey key) => _added.GetValueOrDefault(key);

    public MethodDefinition? FindMethod(MethodKey key) => _methods.GetValueOrDefault(key);

    public MethodDefinition? FindFactory(MethodKey constructor) => _factories.GetValueOrDefault(constructor);

    public AddedFieldHome? FindAddedField(string typeFullName, string name) => _addedFields.GetValueOrDefault((typeFullName, name));

    public DispatchHome? FindDispatch(MethodKey root) => _dispatch.GetValueOrDefault(root);

    public MethodKey? FindOverrideRoot(MethodKey added) => _overrideRoots.TryGetValue(added, out var root) ? root : null;

    /// <summary>Where a dispatched method's own body is called from, or null when it is not dispatched.</summary>
    public (SlotAccessor Accessor, int Index)? BodySlotOf(MethodKey root) => _bodySlots.TryGetValue(root, out var slot) ? slot : null;

    /// <summary>Whether <paramref name="key"/> has a slot anywhere.</summary>
    public bool HasSlot(MethodKey key) => _slots.ContainsKey(key);

    /// <summary>Where the slot of <paramref name="key"/> is.</summary>
    public (SlotAccessor Accessor, int Index) SlotOf(MethodKey key) =>
        _slots.TryGetValue(key, out var slot) ? slot : throw new InvalidOperationException($"no slot for {key}");

    /// <summary>Records what an applied patch added: its types, its added methods and its own slots.</summary>
    public void Add(Patch patch, Assembly assembly, SlotAccessor accessor)
    {
        // Later patches can refer only to a pinned patch; one of bodies alone stays unreferenced, so it can be collected.
        if (patch.PinnedBecause != null) _assemblies[patch.AssemblyName] = assembly;
        foreach (var (root, dispatch) in patch.Dispatch)
        {
            _dispatch[root] = dispatch.Home;
            if (dispatch.NewBodySlot is { } body) _bodySlots[root] = (accessor, body);
            foreach (var o in dispatch.Home.Overrides) _overrideRoots[o.Override] = root;
        }
        foreach (var (key, home) in patch.AddedFields) _addedFields[key] = home;
        foreach (var (name, type) in patch.DefinedTypes)
        {
            _types[name] = type;
            foreach (var method in type.Methods.Where(m => !ImplNaming.IsImplName(m.Name)))
                _methods[MethodKey.For(method)] = method;
        }
        foreach (var (key, factory) in patch.AddedFactories) _factories[key] = factory;
        foreach (var (key, forwarder) in patch.AddedMethods)
        {
            _added[key] = forwarder;
            _methods[key] = forwarder;
        }
        foreach (var (key, index) in patch.OwnSlots) _slots[key] = (accessor, index);
        if (patch.OwnGenericSlots.Count > 0) AddGenericHolders(assembly);
    }

    /// <summary>The open holder type of generic slot <paramref name="key"/>.</summary>
    public Type GenericHolderOf(MethodKey key) =>
        _genericHolders.TryGetValue(key, out var holder) ? holder : throw new InvalidOperationException($"no generic slot for {key}");

    // Holders name their method in a constant, so the manifest only has to list plain slots.
    private void AddGenericHolders(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t.Name.StartsWith(Registry.GenericHolderPrefix, StringComparison.Ordinal)))
            _genericHolders[new MethodKey((string)type.GetField(Registry.GenericKeyField)!.GetRawConstantValue()!)] = type;
    }

    /// <summary>The slot accessor of a woven assembly's registry.</summary>
    public static SlotAccessor AccessorOf(Assembly assembly)
    {
        var registry = assembly.GetType(Registry.TypeName, throwOnError: true)!;
        return registry.GetMethod(Registry.SlotAccessorName, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<SlotAccessor>();
    }

    private static bool IsUserType(TypeDefinition type) =>
        type.Name is not "<Module>" and not Registry.TypeName && GeneratedCode.IsUserOrClosure(type);
}
