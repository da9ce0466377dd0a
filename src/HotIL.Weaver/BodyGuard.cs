using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver;

/// <summary>
/// The weaving shape for code the JIT does not optimize (Debug builds): the method keeps its body and
/// gains a guard in front of it that hands the call to whatever the slot holds once a reload has
/// replaced the body. Unoptimized code never inlines, so a forwarder in front of a separate body would
/// cost every call a second call; a guard costs one load and one branch (decision 0014).
/// </summary>
internal static class BodyGuard
{
    /// <summary>
    /// Puts the guard in front of the body of <paramref name="method"/>:
    /// <c>if (slot != 0) return calli slot(receiver, arguments...); original body</c>.
    /// </summary>
    /// <param name="method">The method to guard.</param>
    /// <param name="slot">The slot field; for generic code, the field of the holder instantiated over the method's type parameters.</param>
    /// <param name="replacedFlag">For generic code, the registry's flag that is zero while no reload replaced the body:
    /// tested first, so that the hot path reads no static of a generic type.</param>
    public static void Emit(MethodDefinition method, FieldReference slot, FieldReference? replacedFlag = null)
    {
        var body = method.Body;
        var original = body.Instructions[0];
        var il = body.GetILProcessor();
        var guard = new List<Instruction>();
        VariableDefinition? pointer = null;
        if (replacedFlag != null)
        {
            pointer = new VariableDefinition(method.Module.TypeSystem.IntPtr);
            body.Variables.Add(pointer);
            guard.Add(il.Create(OpCodes.Ldsfld, replacedFlag));
            guard.Add(il.Create(OpCodes.Brfalse, original));
            guard.Add(il.Create(OpCodes.Ldsfld, slot));
            guard.Add(il.Create(OpCodes.Stloc, pointer));
            guard.Add(il.Create(OpCodes.Ldloc, pointer));
        }
        else guard.Add(il.Create(OpCodes.Ldsfld, slot));
        guard.Add(il.Create(OpCodes.Brfalse, original));
        if (method.HasThis) guard.Add(il.Create(OpCodes.Ldarg, body.ThisParameter));
        foreach (var p in method.Parameters) guard.Add(il.Create(OpCodes.Ldarg, p));
        // A slot never goes back to zero (decision 0012), so reading it again here cannot find it empty.
        guard.Add(pointer != null ? il.Create(OpCodes.Ldloc, pointer) : il.Create(OpCodes.Ldsfld, slot));
        guard.Add(il.Create(OpCodes.Calli, CallSiteOf(method)));
        guard.Add(il.Create(OpCodes.Ret));

        foreach (var instruction in guard) il.InsertBefore(original, instruction);
        HideFromDebugger(method, guard[0]);
        body.OptimizeMacros();
    }

    // A replacement body is static and takes the receiver first, as the split shape's implementation does.
    private static CallSite CallSiteOf(MethodDefinition method)
    {
        var site = new CallSite(method.ReturnType) { HasThis = false, CallingConvention = MethodCallingConvention.Default };
        if (method.HasThis) site.Parameters.Add(new ParameterDefinition(MethodSplitter.ReceiverType(method.DeclaringType)));
        foreach (var p in method.Parameters) site.Parameters.Add(new ParameterDefinition(p.ParameterType));
        return site;
    }

    // The line number portable PDBs use for "no source line".
    private const int HiddenLine = 0xfeefee;

    // A hidden sequence point keeps the guard out of stepping: the debugger stops at the body's first line.
    private static void HideFromDebugger(MethodDefinition method, Instruction first)
    {
        var points = method.DebugInformation.SequencePoints;
        if (points.Count == 0) return;
        points.Insert(0, new SequencePoint(first, points[0].Document)
        {
            StartLine = HiddenLine, EndLine = HiddenLine,
        });
    }
}
