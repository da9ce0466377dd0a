using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver;

/// <summary>
/// In unoptimized (Debug) code, a woven method's loops notice when a reload has replaced the method while they
/// run: a thread in the main loop or in a worker's loop keeps the body it started with, and the user must be
/// told, since the reload reported the method as changed. Before every backward branch: while the slot is zero
/// (the original body is current) one load and one branch; once it is not, the runtime is told, and reports each
/// new slot value once. State machines (async loops) check their kick-off method's slot. Optimized code has no
/// such check: there it would cost inside every hot loop (docs/edits.md says so).
/// </summary>
internal static class LoopCheck
{
    /// <summary>Whether <paramref name="method"/> has a loop: a branch back to an earlier instruction.</summary>
    public static bool HasLoop(MethodDefinition method) => method.HasBody && BackwardBranches(method.Body).Any();

    /// <summary>Inserts the check in front of every backward branch of <paramref name="method"/>.</summary>
    /// <param name="method">The method whose loops check (the woven method itself, or its state machine's MoveNext).</param>
    /// <param name="replaced">The slot, or for generic code the registry's replaced flag (an int).</param>
    /// <param name="seen">The registry field holding the slot value last reported.</param>
    /// <param name="name">The woven method's name as the user knows it.</param>
    public static void Insert(MethodDefinition method, FieldReference replaced, FieldDefinition seen, string name)
    {
        var body = method.Body;
        body.SimplifyMacros();
        var report = Report(method.Module);
        var isFlag = replaced.FieldType.MetadataType == MetadataType.Int32;
        var il = body.GetILProcessor();
        foreach (var branch in BackwardBranches(body).ToList())
        {
            var check = new List<Instruction> { il.Create(OpCodes.Ldsfld, replaced), il.Create(OpCodes.Brfalse, branch), il.Create(OpCodes.Ldsfld, replaced) };
            if (isFlag) check.Add(il.Create(OpCodes.Conv_I));
            check.Add(il.Create(OpCodes.Ldsflda, seen));
            check.Add(il.Create(OpCodes.Ldstr, name));
            check.Add(il.Create(OpCodes.Call, report));
            Redirect(body, branch, check[0]);
            foreach (var instruction in check) il.InsertBefore(branch, instruction);
        }
        body.OptimizeMacros();
    }

    // Every way into the branch now goes through the check first: jumps, switch targets and region boundaries.
    private static void Redirect(MethodBody body, Instruction from, Instruction to)
    {
        foreach (var instruction in body.Instructions)
        {
            if (instruction.Operand == from) instruction.Operand = to;
            else if (instruction.Operand is Instruction[] targets)
                for (var i = 0; i < targets.Length; i++)
                    if (targets[i] == from) targets[i] = to;
        }
        foreach (var h in body.ExceptionHandlers)
        {
            if (h.TryStart == from) h.TryStart = to;
            if (h.TryEnd == from) h.TryEnd = to;
            if (h.HandlerStart == from) h.HandlerStart = to;
            if (h.HandlerEnd == from) h.HandlerEnd = to;
            if (h.FilterStart == from) h.FilterStart = to;
        }
    }

    private static IEnumerable<Instruction> BackwardBranches(MethodBody body)
    {
        var index = new Dictionary<Instruction, int>(body.Instructions.Count);
        for (var i = 0; i < body.Instructions.Count; i++) index[body.Instructions[i]] = i;
        for (var i = 0; i < body.Instructions.Count; i++)
            if (body.Instructions[i].Operand is Instruction target && index.TryGetValue(target, out var t) && t <= i)
                yield return body.Instructions[i];
    }

    private static MethodReference Report(ModuleDefinition module)
    {
        var core = new CoreLibrary(module);
        var type = new TypeReference(RuntimeContract.Namespace, RuntimeContract.StaleLoopsType, module, AssemblyWeaver.RuntimeAssembly(module));
        return core.Method(type, RuntimeContract.StaleLoopReportMethod, module.TypeSystem.Void, hasThis: false,
            module.TypeSystem.IntPtr, new ByReferenceType(module.TypeSystem.IntPtr), module.TypeSystem.String);
    }
}
