using System.Runtime.CompilerServices;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>
/// Weaves a module in memory: every eligible method forwards through a slot of the module's
/// registry, and the module initializer (optionally) registers the module with the runtime.
/// Pure over the module: no files, no global state.
/// </summary>
internal static class AssemblyWeaver
{
    /// <summary>Whether <paramref name="module"/> already has a registry (weaving is idempotent).</summary>
    public static bool IsWoven(ModuleDefinition module) => module.Types.Any(t => t.Name == Registry.TypeName);

    /// <summary>Weaves every eligible method of <paramref name="module"/>.</summary>
    /// <param name="module">The module, read with symbols when line information should survive.</param>
    /// <param name="manifestPath">Where the runtime finds the manifest; null to skip runtime registration.</param>
    public static WeaveResult Weave(ModuleDefinition module, string? manifestPath)
    {
        if (IsWoven(module)) return new WeaveResult(true, [], []);

        var registry = Registry.Create(module);
        var inPlace = !JitOptimization.IsOptimized(module);
        var slots = new List<WovenSlot>();
        var genericSlots = new List<WovenSlot>();
        var skipped = new List<SkippedMethod>();
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).ToList())
        {
            var reason = Eligibility.WhyNot(method);
            if (reason != null)
            {
                if (method.HasBody && !Eligibility.IsCompilerGenerated(method.DeclaringType))
                    skipped.Add(new SkippedMethod(MethodKey.For(method), reason));
                continue;
            }
            var key = MethodKey.For(method);
            // A lambda is only ever called through a delegate, which the JIT does not inline: a forwarder in front
            // of it would be a second call on every invocation, so it keeps its body behind a guard in every build.
            var slot = inPlace || GeneratedCode.IsLambda(method) ? GuardInPlace(registry, method, key, checkLoops: inPlace) : WeaveMethod(registry, method, key);
            (slot.IsGeneric ? genericSlots : slots).Add(slot);
        }

        // Every slot starts at zero, "run the original body": nothing to fill, so no start-up cost and no
        // class-initialization order for threads to race on (decision 0012).
        registry.Complete();
        if (manifestPath != null) Registry.CallFromModuleInitializer(module, EmitRegistration(module, registry, manifestPath));
        // The registry takes the address of private implementations, including those of private nested types.
        AccessChecks.IgnoreFor(module, [module.Assembly.Name.Name]);
        return new WeaveResult(false, slots, skipped) { GenericSlots = genericSlots, BodiesGuardedInPlace = inPlace };
    }

    /// <summary>
    /// Splits <paramref name="method"/> into forwarder and implementation and gives it a slot for
    /// <paramref name="key"/> in <paramref name="registry"/>: a plain pointer, or for generic code a
    /// holder with one pointer per instantiation.
    /// </summary>
    public static WovenSlot WeaveMethod(Registry registry, MethodDefinition method, MethodKey key) => WeaveMethod(registry, method, key, out _);

    // As above, also giving the static implementation that now holds the body; nameImpl may rename it before anything refers to it.
    internal static WovenSlot WeaveMethod(Registry registry, MethodDefinition method, MethodKey key, out MethodDefinition impl,
        Action<MethodDefinition>? nameImpl = null)
    {
        impl = MethodSplitter.MoveBodyToImpl(method);
        nameImpl?.Invoke(impl);
        WovenSlot slot;
        if (method.HasGenericParameters || method.DeclaringType.HasGenericParameters)
        {
            slot = new WovenSlot(registry.AddGeneric(key.Value, impl), key, IsGeneric: true);
            var pointer = registry.GenericSlotField(slot.Index, method.DeclaringType.GenericParameters.Concat(method.GenericParameters));
            MethodSplitter.EmitForwarder(method, impl, pointer, registry.GenericReplaced(slot.Index));
        }
        else
        {
            slot = new WovenSlot(registry.AddUnfilled(key.Value), key);
            MethodSplitter.EmitForwarder(method, impl, registry.Field(slot.Index));
        }
        MarkForwarder(method);
        return slot;
    }

    /// <summary>
    /// Gives <paramref name="method"/> a slot for <paramref name="key"/> in <paramref name="registry"/> and keeps its body
    /// in place behind a guard on it (the shape of decision 0014), without checks in its loops.
    /// </summary>
    public static WovenSlot GuardMethod(Registry registry, MethodDefinition method, MethodKey key) => GuardInPlace(registry, method, key, checkLoops: false);

    // Unoptimized code: the body stays where it is, behind a guard on its slot (decision 0014). Not marked as
    // plumbing: the method is the user's code, as it was.
    private static WovenSlot GuardInPlace(Registry registry, MethodDefinition method, MethodKey key, bool checkLoops)
    {
        if (method.HasGenericParameters || method.DeclaringType.HasGenericParameters)
        {
            var slot = new WovenSlot(registry.AddGeneric(key.Value, method), key, IsGeneric: true);
            var pointer = registry.GenericSlotField(slot.Index, method.DeclaringType.GenericParameters.Concat(method.GenericParameters));
            if (checkLoops) CheckLoops(registry, method, key, registry.GenericReplaced(slot.Index));
            BodyGuard.Emit(method, pointer, registry.GenericReplaced(slot.Index));
            return slot;
        }
        var plain = new WovenSlot(registry.AddUnfilled(key.Value), key);
        if (checkLoops) CheckLoops(registry, method, key, registry.Field(plain.Index));
        BodyGuard.Emit(method, registry.Field(plain.Index));
        return plain;
    }

    // The loops of the method, and of the state machine it starts, report running code a reload replaced.
    private static void CheckLoops(Registry registry, MethodDefinition method, MethodKey key, FieldReference replaced)
    {
        var moveNext = GeneratedCode.StateMachineOf(method)?.Methods.FirstOrDefault(m => m.Name == "MoveNext" && m.HasBody);
        var loops = new[] { method, moveNext }.OfType<MethodDefinition>().Where(LoopCheck.HasLoop).ToList();
        if (loops.Count == 0) return;
        var seen = registry.AddSeen(key.Value);
        var name = MemberNames.Of(key, GeneratedCode.IsFunctionBody(method) ? GeneratedCode.BodySpanOf(method) : null);
        foreach (var m in loops) LoopCheck.Insert(m, replaced, seen, name);
    }

    // Forwarders are plumbing: keep them out of stack traces and out of the debugger's way.
    private static void MarkForwarder(MethodDefinition method)
    {
        foreach (var constructor in ForwarderAttributes.GetValue(method.Module, CreateForwarderAttributes))
            method.CustomAttributes.Add(new CustomAttribute(constructor));
    }

    // One reference per attribute and module: tens of thousands of forwarders share it, rather than each
    // bringing its own for the writer to allocate, look up and merge again.
    private static readonly ConditionalWeakTable<ModuleDefinition, MethodReference[]> ForwarderAttributes = new();

    private static MethodReference[] CreateForwarderAttributes(ModuleDefinition module)
    {
        var core = new CoreLibrary(module);
        var stepThrough = core.Constructor(core.Type("System.Diagnostics", "DebuggerStepThroughAttribute"));
        return core.IsModernCoreLibrary
            ? [stepThrough, core.Constructor(core.Type("System.Diagnostics", "StackTraceHiddenAttribute"))]
            : [stepThrough];
    }

    // <HotIL>Registry.Register(): HotReload.Register(typeof(<HotIL>Registry), manifestPath).
    private static MethodDefinition EmitRegistration(ModuleDefinition module, Registry registry, string manifestPath)
    {
        var method = new MethodDefinition(Registry.RegisterName, MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, module.TypeSystem.Void);
        registry.Type.Methods.Add(method);
        var il = method.Body.GetILProcessor();
        var core = new CoreLibrary(module);
        var runtime = RuntimeAssembly(module);
        var facade = new TypeReference(RuntimeContract.Namespace, RuntimeContract.RegistrationType, module, runtime);
        var register = core.Method(facade, RuntimeContract.RegisterMethod, module.TypeSystem.Void, hasThis: false,
            core.Type("System", "Type"), module.TypeSystem.String);
        il.Emit(OpCodes.Ldtoken, registry.Type);
        il.Emit(OpCodes.Call, core.GetTypeFromHandle());
        il.Emit(OpCodes.Ldstr, manifestPath);
        il.Emit(OpCodes.Call, register);
        il.Emit(OpCodes.Ret);
        return method;
    }

    /// <summary>The module's reference to HotIL.Runtime, added when missing.</summary>
    public static AssemblyNameReference RuntimeAssembly(ModuleDefinition module)
    {
        var existing = module.AssemblyReferences.FirstOrDefault(r => r.Name == RuntimeContract.AssemblyName);
        if (existing != null) return existing;
        var reference = new AssemblyNameReference(RuntimeContract.AssemblyName, RuntimeContract.AssemblyVersion);
        module.AssemblyReferences.Add(reference);
        return reference;
    }
}
