using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Turns a recompiled module into a patch, in place: loaded types become static holders of
/// their changed and added bodies, new types and the compiler's helper types are kept,
/// every reference to something already loaded is retargeted to it, and the patch gets its own
/// registry (Mun: a new registry per compiled module) for added methods, new types, new bodies
/// and tombstones.
/// </summary>
public static class PatchBuilder
{
    /// <summary>Diagnostic ID of the warning for a removed generic method, which keeps its last body.</summary>
    public const string RemovedGenericKept = "HOTIL2004";

    private static bool IsGeneric(MethodDefinition? method) => method != null && (method.HasGenericParameters || method.DeclaringType.HasGenericParameters);

    /// <summary>Builds generation <paramref name="generation"/> from <paramref name="compiled"/>.</summary>
    /// <param name="compiled">The recompiled module (read with symbols); it is consumed.</param>
    /// <param name="changes">The change set; it must have no rude edits.</param>
    /// <param name="world">Where loaded types and methods live.</param>
    /// <param name="generation">The generation number this patch creates (≥ 2).</param>
    public static Patch Build(ModuleDefinition compiled, ChangeSet changes, ILoadedWorld world, int generation)
    {
        if (!changes.CanApply) throw new InvalidOperationException("a change set with rude edits cannot be built into a patch");
        var baseName = compiled.Assembly.Name.Name;
        Rename(compiled, $"{baseName}.hotil.g{generation}");

        var keys = KeysOfLoadedTypes(compiled, world);
        var changed = changes.Changed.ToHashSet();
        var added = keys.Where(k => changes.Added.Contains(k.Value)).ToDictionary(k => k.Value, k => k.Key);
        var fieldHomes = new Dictionary<(string, string), AddedFieldHome>();
        var retargeter = new Retargeter(compiled, world, keys, added, fieldHomes);
        var patch = new Patch(compiled, generation);
        var registry = Registry.Create(compiled);
        var storage = new AddedFieldStorage(compiled, retargeter);
        foreach (var fields in changes.AddedFields.GroupBy(f => f.TypeFullName))
        {
            var owner = compiled.GetType(fields.Key);
            foreach (var (key, home) in storage.Create(owner, fields.ToList())) fieldHomes[key] = home;
            retargeter.AddHolder(owner);
        }
        retargeter.Owned.UnionWith(storage.Members);
        var dispatch = new VirtualDispatch(compiled, world, retargeter, registry);
        var definitions = keys.ToDictionary(k => k.Value, k => k.Key);
        foreach (var (key, root) in dispatch.Build(changes, definitions, added))
        {
            retargeter.Dispatch[key] = patch.Dispatch[key] = root;
            // A new body slot starts at the root's body in this patch, which is therefore carried like a changed one
            // (a root this patch adds brings its body anyway).
            if (root.NewBodySlot != null && !added.ContainsKey(key)) changed.Add(key);
        }
        foreach (var (overrideKey, rootKey) in changes.AddedOverrides) retargeter.OverriddenBy[overrideKey] = definitions[rootKey];
        retargeter.Owned.UnionWith(dispatch.Members);
        var factories = new ConstructorFactories(compiled, retargeter);
        foreach (var (key, constructor) in added.Where(a => a.Value.IsConstructor).ToList())
        {
            retargeter.Factories[key] = factories.Add(key, constructor);
            patch.AddedFactories[key] = retargeter.Factories[key];
        }
        retargeter.Owned.UnionWith(factories.ByConstructor.Values);

        foreach (var type in compiled.GetTypes().Where(t => IsNewUserType(t, retargeter)).ToList()) retargeter.Retain(type);
        var bodies = keys.Where(k => changed.Contains(k.Value) || added.ContainsKey(k.Value)).Select(k => k.Key).ToList();
        foreach (var method in bodies)
        {
            retargeter.AddHolder(method.DeclaringType);
            retargeter.RetargetMethod(method);
        }
        foreach (var method in storage.Bodies) retargeter.RetargetMethod(method);
        retargeter.Drain();

        foreach (var (key, home) in fieldHomes) patch.AddedFields[key] = home;
        foreach (var holder in retargeter.Holders) MakeHolder(holder, retargeter, keys, changed, added, [.. storage.Members, .. dispatch.Members, .. factories.ByConstructor.Values]);
        RemoveUnused(compiled, retargeter);
        ClearModuleType(compiled);
        KeepRuntimeAssemblyAttributes(compiled);

        var names = new BodyNames(compiled);
        foreach (var method in bodies.Where(m => changed.Contains(keys[m]))) names.Name(method, method.Name);
        var addedBodies = new Dictionary<MethodKey, MethodDefinition>();
        foreach (var (key, method) in added)
        {
            patch.OwnSlot(AssemblyWeaver.WeaveMethod(registry, method, key, out var impl, body => names.Name(body, method.Name)));
            patch.AddedMethods[key] = method;
            addedBodies[key] = impl;
        }
        // Closures a patch brings are woven too: its delegates live on, and a later edit must reach them.
        foreach (var type in retargeter.Retained.Where(GeneratedCode.IsUserOrClosure))
        {
            patch.DefinedTypes[type.FullName] = type;
            // Bodies stay in their methods behind a guard (decision 0014's shape): no implementation with a name of its own.
            foreach (var method in type.Methods.Where(m => Eligibility.WhyNot(m) == null).ToList())
                patch.OwnSlot(AssemblyWeaver.GuardMethod(registry, method, MethodKey.For(method)));
        }
        foreach (var method in bodies.Where(m => changed.Contains(keys[m])))
        {
            // An open generic body has no single address: the runtime instantiates it per holder.
            if (method.HasGenericParameters || method.DeclaringType.HasGenericParameters) patch.ChangedGeneric[keys[method]] = method;
            else patch.Changed[keys[method]] = registry.Add("changed " + keys[method].Value, method);
        }
        foreach (var key in changes.Removed)
        {
            if (IsGeneric(world.FindMethod(key))) patch.Warnings.Add(new EditWarning(RemovedGenericKept, key.DeclaringTypeFullName, key.Value,
                $"{key.DisplayName} was removed; old code that still calls it keeps running its last body (generic methods get no tombstone yet)"));
            else patch.Tombstones[key] = registry.Add("removed " + key.Value, Tombstone.Emit(compiled, world, key, generation));
        }

        FillBodySlots(registry, patch, definitions, addedBodies);
        BodyNames.KeepApart(retargeter.Holders);

        if (registry.Complete() is { } initialize) Registry.CallFromModuleInitializer(compiled, initialize);
        AccessChecks.IgnoreFor(compiled, compiled.AssemblyReferences.Select(r => r.Name).Append(compiled.Assembly.Name.Name));
        return patch;
    }

    // A dispatcher's new body slot serves the receivers no added override claims, so it starts at the method's own
    // body as this patch has it: the copy compiled from the same sources as the running code (carried as changed), or
    // for a method the patch adds, its implementation. It never depends on where the method's slot pointed before,
    // and it is never the method itself, whose slot is about to hold the dispatcher.
    private static void FillBodySlots(Registry registry, Patch patch, IReadOnlyDictionary<MethodKey, MethodDefinition> definitions,
        IReadOnlyDictionary<MethodKey, MethodDefinition> addedBodies)
    {
        foreach (var (key, dispatch) in patch.Dispatch)
            if (dispatch.NewBodySlot is { } index)
                registry.Fill(index, addedBodies.TryGetValue(key, out var body) ? body : definitions[key]);
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
    private static void MakeHolder(TypeDefinition type, Retargeter retargeter, IReadOnlyDictionary<MethodDefinition, MethodKey> keys,
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
            if (!retargeter.Retained.Contains(nested) && !retargeter.Holders.Contains(nested)) type.NestedTypes.Remove(nested);
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
            if (type.Name is not ("<Module>" or Registry.TypeName or BodyNames.MarkerName) && !retargeter.Retained.Contains(type) && !retargeter.Holders.Contains(type))
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
