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
    /// Puts the guard around the body of <paramref name="method"/>:
    /// <c>if (slot != 0) goto replaced; original body; replaced: return calli slot(receiver, arguments...)</c>,
    /// the call after the body so that an unreplaced method runs straight on (decision 0014).
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

        // At the end of the method, after code that never falls through: the body follows the test without a jump.
        var replaced = new List<Instruction>();
        VariableDefinition? pointer = null;
        if (replacedFlag != null)
        {
            pointer = new VariableDefinition(method.Module.TypeSystem.IntPtr);
            body.Variables.Add(pointer);
            replaced.Add(il.Create(OpCodes.Ldsfld, slot));
            replaced.Add(il.Create(OpCodes.Stloc, pointer));
            replaced.Add(il.Create(OpCodes.Ldloc, pointer));
            replaced.Add(il.Create(OpCodes.Brfalse, original));
        }
        if (method.HasThis) replaced.Add(il.Create(OpCodes.Ldarg, body.ThisParameter));
        foreach (var p in method.Parameters) replaced.Add(il.Create(OpCodes.Ldarg, p));
        // A slot never goes back to zero (decision 0012), so reading it again here cannot find it empty.
        replaced.Add(pointer != null ? il.Create(OpCodes.Ldloc, pointer) : il.Create(OpCodes.Ldsfld, slot));
        replaced.Add(il.Create(OpCodes.Calli, MethodSplitter.CallSiteOf(method)));
        replaced.Add(il.Create(OpCodes.Ret));

        var test = new[] { il.Create(OpCodes.Ldsfld, replacedFlag ?? slot), il.Create(OpCodes.Brtrue, replaced[0]) };
        foreach (var instruction in test) il.InsertBefore(original, instruction);
        // Regions that ran to the end of the method end where the appended code begins.
        foreach (var handler in body.ExceptionHandlers)
        {
            handler.TryEnd ??= replaced[0];
            handler.HandlerEnd ??= replaced[0];
        }
        foreach (var instruction in replaced) il.Append(instruction);
        HideFromDebugger(method, test[0], replaced[0]);
        body.OptimizeMacros();
    }

    // The line number portable PDBs use for "no source line".
    private const int HiddenLine = 0xfeefee;

    // Hidden sequence points keep the guard out of stepping: the debugger stops at the body's first line.
    private static void HideFromDebugger(MethodDefinition method, Instruction test, Instruction replaced)
    {
        var points = method.DebugInformation.SequencePoints;
        if (points.Count == 0) return;
        var document = points[0].Document;
        points.Insert(0, Hidden(test, document));
        points.Add(Hidden(replaced, document));
    }

    private static SequencePoint Hidden(Instruction instruction, Document document) =>
        new(instruction, document) { StartLine = HiddenLine, EndLine = HiddenLine };
}
