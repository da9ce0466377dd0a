using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A hash of what a method does: its IL with operands by name, its locals and handlers, and,
/// for compiler-generated helpers it uses (closures, lambdas, state machines), their code too,
/// so editing a lambda or an async body changes the fingerprint of the method that owns it.
/// Line numbers are not part of it.
/// </summary>
public static class Fingerprint
{
    /// <summary>The fingerprint of <paramref name="method"/>.</summary>
    public static string Of(MethodDefinition method)
    {
        var text = new StringBuilder();
        var visited = new HashSet<TypeDefinition>();
        AppendMethod(text, method, visited);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void AppendMethod(StringBuilder text, MethodDefinition method, HashSet<TypeDefinition> visited)
    {
        text.Append(method.FullName).Append('|').Append((int)method.Attributes).Append('|').Append((int)method.ImplAttributes).Append('\n');
        if (!method.HasBody) return;
        var body = method.Body;
        text.Append(body.InitLocals).Append(';');
        foreach (var v in body.Variables) text.Append(v.VariableType.FullName).Append(';');
        var index = body.Instructions.Select((i, n) => (i, n)).ToDictionary(p => p.i, p => p.n);
        foreach (var instruction in body.Instructions)
        {
            text.Append(instruction.OpCode.Name).Append(' ');
            AppendOperand(text, instruction.Operand, index);
            text.Append('\n');
            FollowCompilerGenerated(text, instruction.Operand, method.Module, visited);
        }
        foreach (var h in body.ExceptionHandlers)
            text.Append(h.HandlerType).Append(Index(index, h.TryStart)).Append(Index(index, h.TryEnd))
                .Append(Index(index, h.HandlerStart)).Append(Index(index, h.HandlerEnd))
                .Append(Index(index, h.FilterStart)).Append(h.CatchType?.FullName).Append('\n');
    }

    private static string Index(Dictionary<Instruction, int> index, Instruction? i) => i == null ? "-" : index[i].ToString(CultureInfo.InvariantCulture);

    private static void AppendOperand(StringBuilder text, object? operand, Dictionary<Instruction, int> index)
    {
        switch (operand)
        {
            case null: break;
            case Instruction target: text.Append('L').Append(index[target]); break;
            case Instruction[] targets: text.AppendJoin(',', targets.Select(t => index[t])); break;
            case VariableDefinition v: text.Append('V').Append(v.Index); break;
            case ParameterDefinition p: text.Append('A').Append(p.Sequence); break;
            case string s: text.Append('"').Append(s).Append('"'); break;
            case MemberReference m: text.Append(m.FullName); break;
            case CallSite c: text.Append(c.FullName); break;
            case IFormattable f: text.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: text.Append(operand); break;
        }
    }

    // Lambdas, closures and state machines are separate types whose code belongs to the method using them.
    private static void FollowCompilerGenerated(StringBuilder text, object? operand, ModuleDefinition module, HashSet<TypeDefinition> visited)
    {
        var type = operand switch
        {
            TypeReference t => t,
            MemberReference m => m.DeclaringType,
            _ => null,
        };
        var definition = type?.GetElementType() as TypeDefinition;
        if (definition == null || definition.Module != module || !Eligibility.IsCompilerGenerated(definition)) return;
        if (!visited.Add(definition)) return;
        foreach (var f in definition.Fields) text.Append("field ").Append(f.FullName).Append('\n');
        foreach (var m in definition.Methods) AppendMethod(text, m, visited);
        foreach (var nested in definition.NestedTypes) FollowCompilerGenerated(text, nested, module, visited);
    }
}
