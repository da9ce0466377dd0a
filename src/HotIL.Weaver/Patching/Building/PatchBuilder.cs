using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Turns a recompiled module into a patch, in place: loaded types become static stand-ins holding
/// their changed and added bodies, new types and the compiler's helper types are kept,
/// every reference to something already loaded is retargeted to it, and the patch gets its own
/// registry (Mun: a new registry per compiled module) for added methods, new types, new bodies
/// and tombstones.
/// </summary>
internal static class PatchBuilder
{
    /// <summary>Builds generation <paramref name="generation"/> from <paramref name="compiled"/>.</summary>
    /// <param name="compiled">The recompiled module (read with symbols); it is consumed.</param>
    /// <param name="changes">The change set; it must have no rude edits.</param>
    /// <param name="world">Where loaded types and methods live.</param>
    /// <param name="generation">The generation number this patch creates (≥ 2).</param>
    public static Patch Build(ModuleDefinition compiled, ChangeSet changes, ILoadedWorld world, int generation)
    {
        if (!changes.CanApply) throw new InvalidOperationException("a change set with rude edits cannot be built into a patch");
        Rename(compiled, $"{compiled.Assembly.Name.Name}.hotil.g{generation}");
        var build = new Steps(compiled, changes, world, generation);
        // Members the builder makes come first: retargeting must know them before it rewrites any body.
        build.StoreAddedFields();
        build.DispatchVirtualMethods();
        build.AddConstructorFactories();
        build.Retarget();
        build.MakeStandIns();
        build.Trim();
        build.RegisterSlots();
        build.Seal();
        return build.Patch;
    }

    /// <summary>One patch in the making: what each step leaves for the next.</summary>
    private sealed class Steps
    {
        private readonly ModuleDefinition _compiled;
        private readonly ChangeSet _changes;
        private readonly ILoadedWorld _world;
        private readonly Registry _registry;
        private readonly Retargeter _retargeter;
        private readonly AddedFieldStorage _storage;
        private readonly VirtualDispatch _dispatch;
        private readonly ConstructorFactories _factories;
        // Methods of loaded types by key and back, as compiled.
        private readonly Dictionary<MethodDefinition, MethodKey> _keys;
        private readonly Dictionary<MethodKey, MethodDefinition> _definitions;
        // What the patch carries: changed bodies (grows with dispatched roots) and added methods.
        private readonly HashSet<MethodKey> _changed;
        private readonly Dictionary<MethodKey, MethodDefinition> _added;
        private readonly Dictionary<(string, string), AddedFieldHome> _fieldHomes = [];
        private List<MethodDefinition> _bodies = [];

        public Steps(ModuleDefinition compiled, ChangeSet changes, ILoadedWorld world, int generation)
        {
            (_compiled, _changes, _world) = (compiled, changes, world);
            _keys = KeysOfLoadedTypes(compiled, world);
            _definitions = _keys.ToDictionary(k => k.Value, k => k.Key);
            _changed = changes.Changed.ToHashSet();
            _added = _keys.Where(k => changes.Added.Contains(k.Value)).ToDictionary(k => k.Value, k => k.Key);
            _retargeter = new Retargeter(compiled, world, _keys, _added, _fieldHomes);
            Patch = new Patch(compiled, generation);
            _registry = Registry.Create(compiled);
            _storage = new AddedFieldStorage(compiled, _retargeter);
            _dispatch = new VirtualDispatch(compiled, world, _retargeter, _registry);
            _factories = new ConstructorFactories(compiled, _retargeter);
        }

        public Patch Patch { get; }

        // Fields added to loaded classes get a home in the type's stand-in (static) or in side storage per object.
        public void StoreAddedFields()
        {
            foreach (var fields in _changes.AddedFields.GroupBy(f => f.TypeFullName))
            {
                var owner = _compiled.GetType(fields.Key);
                foreach (var (key, home) in _storage.Create(owner, fields.ToList()))
                {
                    _fieldHomes[key] = home;
                    Patch.AddField(key, home);
                }
                _retargeter.AddStandIn(owner);
            }
            _retargeter.Owned.UnionWith(_storage.Members);
        }

        // Virtual methods that gained overrides on loaded types are called through a dispatcher.
        public void DispatchVirtualMethods()
        {
            foreach (var (key, root) in _dispatch.Build(_changes, _definitions, _added))
            {
                _retargeter.Dispatch[key] = root;
                Patch.AddDispatch(key, root);
                // A new body slot starts at the root's body in this patch, which is therefore carried like a changed one
                // (a root this patch adds brings its body anyway).
                if (root.NewBodySlot != null && !_added.ContainsKey(key)) _changed.Add(key);
            }
            foreach (var (overrideKey, rootKey) in _changes.AddedOverrides) _retargeter.OverriddenBy[overrideKey] = _definitions[rootKey];
            _retargeter.Owned.UnionWith(_dispatch.Members);
        }

        // new of a constructor added to a loaded type calls a factory instead.
        public void AddConstructorFactories()
        {
            foreach (var (key, constructor) in _added.Where(a => a.Value.IsConstructor).ToList())
            {
                _retargeter.Factories[key] = _factories.Add(key, constructor);
                Patch.AddFactory(key, _retargeter.Factories[key]);
            }
            _retargeter.Owned.UnionWith(_factories.ByConstructor.Values);
        }

        // Everything the carried code refers to that is already loaded is pointed at the loaded copy.
        public void Retarget()
        {
            foreach (var type in _compiled.GetTypes().Where(t => IsNewUserType(t, _retargeter)).ToList()) _retargeter.Retain(type);
            _bodies = _keys.Where(k => _changed.Contains(k.Value) || _added.ContainsKey(k.Value)).Select(k => k.Key).ToList();
            foreach (var method in _bodies)
            {
                _retargeter.AddStandIn(method.DeclaringType);
                _retargeter.RetargetMethod(method);
            }
            foreach (var method in _storage.Bodies) _retargeter.RetargetMethod(method);
            _retargeter.Drain();
        }

        public void MakeStandIns()
        {
            HashSet<IMemberDefinition> keep = [.. _storage.Members, .. _dispatch.Members, .. _factories.ByConstructor.Values];
            foreach (var standIn in _retargeter.StandIns) MakeStandIn(standIn, _retargeter, _keys, _changed, _added, keep);
        }

        // What the original already has or runs (unused types, module initializers, the user's assembly attributes) goes.
        public void Trim()
        {
            RemoveUnused(_compiled, _retargeter);
            ClearModuleType(_compiled);
            KeepRuntimeAssemblyAttributes(_compiled);
        }

        // The patch's own registry: added methods, methods of the types it defines, new bodies, tombstones.
        public void RegisterSlots()
        {
            var names = new BodyNames(_compiled);
            foreach (var method in _bodies.Where(m => _changed.Contains(_keys[m]))) names.Name(method, method.Name);
            var addedBodies = new Dictionary<MethodKey, MethodDefinition>();
            foreach (var (key, method) in _added)
            {
                Patch.OwnSlot(AssemblyWeaver.WeaveMethod(_registry, method, key, out var impl, body => names.Name(body, method.Name)));
                Patch.AddMethod(key, method);
                addedBodies[key] = impl;
            }
            // Closures a patch brings are woven too: its delegates live on, and a later edit must reach them.
            foreach (var type in _retargeter.Retained.Where(GeneratedCode.IsUserOrClosure))
            {
                Patch.Define(type);
                // Bodies stay in their methods behind a guard (decision 0014's shape): no implementation with a name of its own.
                foreach (var method in type.Methods.Where(m => Eligibility.WhyNot(m) == null).ToList())
                    Patch.OwnSlot(AssemblyWeaver.GuardMethod(_registry, method, MethodKey.For(method)));
            }
            foreach (var method in _bodies.Where(m => _changed.Contains(_keys[m])))
            {
                // An open generic body has no single address: the runtime instantiates it per holder.
                if (method.HasGenericParameters || method.DeclaringType.HasGenericParameters) Patch.RepointGeneric(_keys[method], method);
                else Patch.Repoint(_keys[method], _registry.Add("changed " + _keys[method].Value, method));
            }
            foreach (var key in _changes.Removed)
            {
                if (IsGeneric(_world.FindMethod(key))) Patch.Warn(new EditWarning(DiagnosticIds.RemovedGenericKept, key.DeclaringTypeFullName, key.Value,
                    $"{key.DisplayName} was removed; old code that still calls it keeps running its last body (generic methods get no tombstone yet)"));
                else Patch.Tombstone(key, _registry.Add("removed " + key.Value, Tombstone.Emit(_compiled, _world, key, Patch.Generation)));
            }
            FillBodySlots(addedBodies);
        }

        // The registry fills itself when the patch loads; the patch may reach the program's internals.
        public void Seal()
        {
            BodyNames.KeepApart(_retargeter.StandIns);
            if (_registry.Complete() is { } initialize) Registry.CallFromModuleInitializer(_compiled, initialize);
            AccessChecks.IgnoreFor(_compiled, _compiled.AssemblyReferences.Select(r => r.Name).Append(_compiled.Assembly.Name.Name));
        }

        // A dispatcher's new body slot serves the receivers no added override claims, so it starts at the method's own
        // body as this patch has it: the copy compiled from the same sources as the running code (carried as changed), or
        // for a method the patch adds, its implementation. It never depends on where the method's slot pointed before,
        // and it is never the method itself, whose slot is about to hold the dispatcher.
        private void FillBodySlots(IReadOnlyDictionary<MethodKey, MethodDefinition> addedBodies)
        {
            foreach (var (key, dispatch) in Patch.Dispatch)
                if (dispatch.NewBodySlot is { } index)
                    _registry.Fill(index, addedBodies.TryGetValue(key, out var body) ? body : _definitions[key]);
        }

        private static bool IsGeneric(MethodDefinition? method) => method != null && (method.HasGenericParameters || method.DeclaringType.HasGenericParameters);
    }

    private static bool IsNewUserType(TypeDefinition type, Retargeter retargeter) =>
        type.Name != "<Module>" && !Eligibility.IsCompilerGenerated(type) && !retargeter.IsMapped(type);

    private static Dictionary<MethodDefinition, MethodKey> KeysOfLoadedTypes(ModuleDefinition compiled, ILoadedWorld world) =>
        compiled.GetTypes()
            .Where(t => GeneratedCode.IsUserOrClosure(t) && world.FindType(t.FullName) != null)
            .SelectMany(t => t.Methods)
            .ToDictionary(m => m, m => MethodKey.For(m));

    private static void Rename(ModuleDefinition module, string name)
    {
        module.Assembly.Name.Name = name;
        module.Assembly.Name.PublicKey = [];
        module.Assembly.Name.HasPublicKey = false;
        module.Attributes &= ~ModuleAttributes.StrongNameSigned;
        module.Name = name + ".dll";
        module.Mvid = Guid.NewGuid();
        module.EntryPoint = null;
        module.Kind = ModuleKind.Dll;
    }

    // A loaded type's stand-in: a static class with the same name, holding only new bodies.
    private static void MakeStandIn(TypeDefinition type, Retargeter retargeter, IReadOnlyDictionary<MethodDefinition, MethodKey> keys,
        HashSet<MethodKey> changed, Dictionary<MethodKey, MethodDefinition> added, HashSet<IMemberDefinition> keep)
    {
        var receiver = retargeter.Type(MethodSplitter.SelfType(type));
        type.BaseType = type.Module.TypeSystem.Object;
        type.Interfaces.Clear();
        foreach (var field in type.Fields.Where(f => !keep.Contains(f)).ToList()) type.Fields.Remove(field);
        type.Properties.Clear();
        type.Events.Clear();
        type.CustomAttributes.Clear();
        type.PackingSize = -1;
        type.ClassSize = -1;
        type.Attributes = (type.IsNested ? TypeAttributes.NestedAssembly : TypeAttributes.NotPublic)
            | TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed;
        foreach (var method in type.Methods.ToList())
        {
            var key = keys.GetValueOrDefault(method);
            if (keep.Contains(method)) continue;
            if (changed.Contains(key)) MakeStatic(method, receiver, method.Name, MethodAttributes.Assembly);
            // An added constructor's body keeps a plain name: a static method may not be called .ctor.
            else if (added.ContainsKey(key)) MakeStatic(method, receiver, method.IsConstructor ? "ctor" : method.Name, MethodAttributes.Public);
            else type.Methods.Remove(method);
        }
        foreach (var nested in type.NestedTypes.ToList())
            if (!retargeter.Retained.Contains(nested) && !retargeter.StandIns.Contains(nested)) type.NestedTypes.Remove(nested);
    }

    private static void MakeStatic(MethodDefinition method, TypeReference declaringType, string name, MethodAttributes access)
    {
        if (method.HasThis)
        {
            var receiver = declaringType.IsValueType ? new ByReferenceType(declaringType) : declaringType;
            var self = new ParameterDefinition("this", ParameterAttributes.None, receiver);
            var thisParameter = method.Body.ThisParameter;
            method.Parameters.Insert(0, self);
            foreach (var i in method.Body.Instructions)
                if (i.Operand == thisParameter) i.Operand = self;
            method.HasThis = false;
        }
        method.Name = name;
        method.Attributes = access | MethodAttributes.Static | MethodAttributes.HideBySig;
        method.Overrides.Clear();
        // State-machine attributes let stack traces name the method that started an async call.
        foreach (var a in method.CustomAttributes.Where(a => !a.AttributeType.Name.EndsWith("StateMachineAttribute", StringComparison.Ordinal)).ToList())
            method.CustomAttributes.Remove(a);
        method.Body.OptimizeMacros();
    }

    private static void RemoveUnused(ModuleDefinition module, Retargeter retargeter)
    {
        foreach (var type in module.Types.ToList())
            if (type.Name is not ("<Module>" or Registry.TypeName or BodyNames.MarkerName) && !retargeter.Retained.Contains(type) && !retargeter.StandIns.Contains(type))
                module.Types.Remove(type);
    }

    // The user's module initializers already ran in the original; the patch gets only the registry's.
    private static void ClearModuleType(ModuleDefinition module)
    {
        var moduleType = module.Types.First(t => t.Name == "<Module>");
        moduleType.Methods.Clear();
        moduleType.Fields.Clear();
        module.CustomAttributes.Clear();
    }

    // Keep what changes how the runtime treats the code (e.g. Debuggable decides JIT optimization).
    private static void KeepRuntimeAssemblyAttributes(ModuleDefinition module)
    {
        foreach (var attribute in module.Assembly.CustomAttributes.ToList())
            if (attribute.AttributeType is TypeDefinition)
                module.Assembly.CustomAttributes.Remove(attribute);
    }
}
