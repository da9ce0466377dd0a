using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Overrides added to loaded classes cannot enter their vtables, so the overridden method's slot
/// gets a dispatcher instead: it tests the receiver's type, most derived first, calls the added
/// override's forwarder on a match, and otherwise calls the method's own body through a body slot.
/// Base calls from added overrides go straight to that body slot.
/// </summary>
internal sealed class VirtualDispatch(ModuleDefinition module, ILoadedWorld world, Retargeter retargeter, Registry registry)
{
    /// <summary>Dispatchers and base forwarders; references to them are not retargeted.</summary>
    public HashSet<IMemberDefinition> Members { get; } = [];

    /// <summary>Builds the dispatch for every root that gains overrides in <paramref name="changes"/>.</summary>
    /// <param name="changes">The change set.</param>
    /// <param name="definitions">Methods of loaded types in the recompiled module, by key.</param>
    /// <param name="added">Forwarders-to-be of methods added by this patch.</param>
    public Dictionary<MethodKey, PatchDispatch> Build(ChangeSet changes, IReadOnlyDictionary<MethodKey, MethodDefinition> definitions,
        IReadOnlyDictionary<MethodKey, MethodDefinition> added)
    {
        var roots = changes.AddedOverrides.ToDictionary(o => o.Override, o => o.Root);
        MethodKey RootOf(MethodKey key)
        {
            while (true)
            {
                if (roots.TryGetValue(key, out var next)) key = next;
                else if (world.FindOverrideRoot(key) is { } earlier) key = earlier;
                else return key;
            }
        }

        var result = new Dictionary<MethodKey, PatchDispatch>();
        foreach (var group in changes.AddedOverrides.GroupBy(o => RootOf(o.Root)))
        {
            var root = definitions[group.Key];
            var existing = world.FindDispatch(group.Key);
            var overrides = (existing?.Overrides ?? []).Concat(group.Select(o => new DispatchOverride(o.Override.DeclaringTypeFullName, o.Override))).ToList();
            retargeter.AddStandIn(root.DeclaringType);
            // Filled by the patch builder with a body of the patch's own (see PatchBuilder.FillBodySlots).
            int? newBodySlot = existing == null ? registry.AddUnfilled("body " + group.Key.Value) : null;
            FieldReference bodySlot = newBodySlot is { } index ? registry.Field(index) : module.ImportReference(existing!.BodySlot);
            var baseForwarder = existing?.BaseForwarder ?? BaseForwarder(root, bodySlot);
            var dispatcher = Dispatcher(root, overrides, bodySlot, added);
            var home = new DispatchHome(existing?.BodySlot ?? (FieldDefinition)bodySlot, baseForwarder, overrides);
            result[group.Key] = new PatchDispatch(registry.Add("dispatch " + group.Key.Value, dispatcher), newBodySlot, home);
        }
        return result;
    }

    // static R <base>M(Owner self, ...) => calli body slot
    private MethodDefinition BaseForwarder(MethodDefinition root, FieldReference bodySlot)
    {
        var method = NewStatic("<base>" + root.Name, root);
        CallThrough(method, bodySlot);
        return method;
    }

    private MethodDefinition Dispatcher(MethodDefinition root, IReadOnlyList<DispatchOverride> overrides, FieldReference bodySlot,
        IReadOnlyDictionary<MethodKey, MethodDefinition> added)
    {
        var method = NewStatic("<dispatch>" + root.Name, root);
        var il = method.Body.GetILProcessor();
        foreach (var o in overrides.OrderByDescending(o => Depth(o.TypeFullName)))
        {
            var type = retargeter.Type(module.GetType(o.TypeFullName));
            var target = added.TryGetValue(o.Override, out var mine) ? mine
                : module.ImportReference(world.FindAddedMethod(o.Override) ?? throw new InvalidOperationException($"no forwarder for {o.Override}"));
            var next = il.Create(OpCodes.Nop);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Isinst, type);
            il.Emit(OpCodes.Brfalse, next);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Castclass, type);
            foreach (var p in method.Parameters.Skip(1)) il.Emit(OpCodes.Ldarg, p);
            il.Emit(OpCodes.Call, target);
            il.Emit(OpCodes.Ret);
            il.Append(next);
        }
        CallThrough(method, bodySlot);
        return method;
    }

    // Ends the body: pass every argument on through the slot and return what it returns.
    private static void CallThrough(MethodDefinition method, FieldReference slot)
    {
        var il = method.Body.GetILProcessor();
        foreach (var p in method.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Ldsfld, slot);
        il.Emit(OpCodes.Calli, MethodSplitter.CallSiteOf(method));
        il.Emit(OpCodes.Ret);
        method.Body.OptimizeMacros();
    }

    // A static method with the slot signature of root (receiver first), hidden from stack traces.
    private MethodDefinition NewStatic(string name, MethodDefinition root)
    {
        var method = new MethodDefinition(name, MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, retargeter.Type(root.ReturnType));
        method.Parameters.Add(new ParameterDefinition("this", ParameterAttributes.None, retargeter.Type(root.DeclaringType)));
        foreach (var p in root.Parameters) method.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, retargeter.Type(p.ParameterType)));
        var core = new CoreLibrary(module);
        if (core.IsModernCoreLibrary) method.CustomAttributes.Add(core.Attribute("System.Diagnostics", "StackTraceHiddenAttribute"));
        root.DeclaringType.Methods.Add(method);
        Members.Add(method);
        return method;
    }

    private int Depth(string typeFullName)
    {
        var depth = 0;
        for (TypeReference? t = module.GetType(typeFullName); t is TypeDefinition d; t = d.BaseType) depth++;
        return depth;
    }
}
