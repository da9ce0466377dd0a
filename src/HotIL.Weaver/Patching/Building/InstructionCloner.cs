using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>Copies a run of IL into another method body, remapping locals and branch targets.</summary>
internal static class InstructionCloner
{
    /// <summary>
    /// Clones <paramref name="run"/> into <paramref name="target"/>. A branch to <paramref name="next"/>
    /// (the instruction right after the run) lands on <paramref name="landing"/>.
    /// </summary>
    public static List<Instruction> Clone(IReadOnlyList<Instruction> run, Instruction? next, Instruction landing, MethodBody target)
    {
        var variables = new Dictionary<VariableDefinition, VariableDefinition>();
        VariableDefinition Map(VariableDefinition v)
        {
            if (!variables.TryGetValue(v, out var copy))
            {
                copy = new VariableDefinition(v.VariableType);
                target.Variables.Add(copy);
                variables[v] = copy;
            }
            return copy;
        }

        var copies = run.Select(i => Copy(i, Map)).ToList();
        var map = run.Zip(copies).ToDictionary(p => p.First, p => p.Second);
        if (next != null) map[next] = landing;
        foreach (var copy in copies)
        {
            copy.Operand = copy.Operand switch
            {
                Instruction t => map[t],
                Instruction[] ts => ts.Select(t => map[t]).ToArray(),
                var other => other,
            };
        }
        return copies;
    }

    /// <summary>Whether every branch in <paramref name="run"/> stays inside it or goes to <paramref name="next"/>.</summary>
    public static bool IsSelfContained(IReadOnlyList<Instruction> run, Instruction? next)
    {
        var inside = run.ToHashSet();
        if (next != null) inside.Add(next);
        return run.All(i => i.Operand switch
        {
            Instruction t => inside.Contains(t),
            Instruction[] ts => ts.All(inside.Contains),
            _ => true,
        });
    }

    private static Instruction Copy(Instruction i, Func<VariableDefinition, VariableDefinition> map) => i.Operand switch
    {
        null => Instruction.Create(i.OpCode),
        sbyte v => Instruction.Create(i.OpCode, v),
        byte v => Instruction.Create(i.OpCode, v),
        int v => Instruction.Create(i.OpCode, v),
        long v => Instruction.Create(i.OpCode, v),
        float v => Instruction.Create(i.OpCode, v),
        double v => Instruction.Create(i.OpCode, v),
        string v => Instruction.Create(i.OpCode, v),
        TypeReference v => Instruction.Create(i.OpCode, v),
        MethodReference v => Instruction.Create(i.OpCode, v),
        FieldReference v => Instruction.Create(i.OpCode, v),
        CallSite v => Instruction.Create(i.OpCode, v),
        VariableDefinition v => Instruction.Create(i.OpCode, map(v)),
        // Branch operands are fixed up once every copy exists.
        Instruction v => Instruction.Create(i.OpCode, v),
        Instruction[] v => Instruction.Create(i.OpCode, v),
        _ => throw new NotSupportedException($"cannot copy {i.OpCode} with a {i.Operand.GetType().Name} operand"),
    };
}
