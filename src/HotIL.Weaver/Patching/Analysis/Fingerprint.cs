using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A hash of what a method does: its IL with operands by name, its locals and handlers, and the code
/// of the compiler-generated helpers only it runs (state machines, anonymous types), so editing an
/// async body changes the fingerprint of the method that starts it. Lambdas and local functions are
/// not followed: they have slots and fingerprints of their own, so editing one changes it and not the
/// method that creates the delegate. Line numbers are not part of it, nor are the ordinals in the
/// names of state machines and anonymous types, which move when an unrelated member is added.
/// </summary>
internal static class Fingerprint
{
    /// <summary>The fingerprint of <paramref name="method"/>.</summary>
    public static string Of(MethodDefinition method)
    {
        var writer = new Writer(method.Module);
        writer.Method(method);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(writer.Text.ToString())));
    }

    /// <summary>The fingerprint of instructions <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) of <paramref name="method"/>'s body.</summary>
    public static string OfRun(MethodDefinition method, int start, int end)
    {
        var writer = new Writer(method.Module);
        writer.Run(method, start, end);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(writer.Text.ToString())));
    }

    private sealed class Writer(ModuleDefinition module)
    {
        private readonly Dictionary<TypeDefinition, string> _helpers = [];
        private readonly Queue<TypeDefinition> _pending = new();

        public StringBuilder Text { get; } = new();

        public void Method(MethodDefinition method)
        {
            AppendMethod(method);
            while (_pending.TryDequeue(out var helper))
            {
                foreach (var f in helper.Fields) Text.Append("field ").Append(Field(f)).Append('\n');
                foreach (var m in helper.Methods) AppendMethod(m);
            }
        }

        public void Run(MethodDefinition method, int start, int end)
        {
            var code = method.Body.Instructions;
            var index = new Dictionary<Instruction, int>(code.Count);
            for (var i = 0; i < code.Count; i++) index[code[i]] = i - start;
            for (var i = start; i < end; i++)
            {
                Text.Append(code[i].OpCode.Name).Append(' ');
                AppendOperand(code[i].Operand, index);
                Text.Append('\n');
            }
        }

        private void AppendMethod(MethodDefinition method)
        {
            Text.Append(Method((MethodReference)method)).Append('|').Append((int)method.Attributes).Append('|').Append((int)method.ImplAttributes).Append('\n');
            if (!method.HasBody) return;
            var body = method.Body;
            Text.Append(body.InitLocals).Append(';');
            foreach (var v in body.Variables) Text.Append(Type(v.VariableType)).Append(';');
            var index = new Dictionary<Instruction, int>(body.Instructions.Count);
            for (var i = 0; i < body.Instructions.Count; i++) index[body.Instructions[i]] = i;
            foreach (var instruction in body.Instructions)
            {
                Text.Append(instruction.OpCode.Name).Append(' ');
                AppendOperand(instruction.Operand, index);
                Text.Append('\n');
            }
            foreach (var h in body.ExceptionHandlers)
                Text.Append(h.HandlerType).Append(Index(index, h.TryStart)).Append(Index(index, h.TryEnd))
                    .Append(Index(index, h.HandlerStart)).Append(Index(index, h.HandlerEnd))
                    .Append(Index(index, h.FilterStart)).Append(h.CatchType == null ? null : Type(h.CatchType)).Append('\n');
        }

        private static string Index(Dictionary<Instruction, int> index, Instruction? i) => i == null ? "-" : index[i].ToString(CultureInfo.InvariantCulture);

        private void AppendOperand(object? operand, Dictionary<Instruction, int> index)
        {
            switch (operand)
            {
                case null: break;
                case Instruction target: Text.Append('L').Append(index[target]); break;
                case Instruction[] targets: Text.AppendJoin(',', targets.Select(t => index[t])); break;
                case VariableDefinition v: Text.Append('V').Append(v.Index); break;
                case ParameterDefinition p: Text.Append('A').Append(p.Sequence); break;
                case string s: Text.Append('"').Append(s).Append('"'); break;
                case TypeReference t: Text.Append(Type(t)); break;
                case MethodReference m: Text.Append(Method(m)); break;
                case FieldReference f: Text.Append(Field(f)); break;
                case CallSite c: Text.Append(Type(c.ReturnType)).Append(" *(").AppendJoin(',', c.Parameters.Select(p => Type(p.ParameterType))).Append(')'); break;
                case IFormattable f: Text.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
                default: Text.Append(operand); break;
            }
        }

        private string Method(MethodReference method)
        {
            var text = new StringBuilder();
            text.Append(Type(method.ReturnType)).Append(' ').Append(Type(method.DeclaringType)).Append("::").Append(method.Name);
            if (method is GenericInstanceMethod gim) text.Append('<').AppendJoin(',', gim.GenericArguments.Select(Type)).Append('>');
            else if (method.HasGenericParameters) text.Append('`').Append(method.GenericParameters.Count);
            text.Append('(').AppendJoin(',', method.Parameters.Select(p => Type(p.ParameterType))).Append(')');
            return text.ToString();
        }

        private string Field(FieldReference field) => Type(field.FieldType) + " " + Type(field.DeclaringType) + "::" + field.Name;

        private string Type(TypeReference type) => type switch
        {
            GenericInstanceType git => Type(git.ElementType) + "<" + string.Join(",", git.GenericArguments.Select(Type)) + ">",
            ArrayType a => Type(a.ElementType) + "[" + new string(',', a.Rank - 1) + "]",
            ByReferenceType r => Type(r.ElementType) + "&",
            PointerType p => Type(p.ElementType) + "*",
            PinnedType p => Type(p.ElementType) + " pinned",
            RequiredModifierType m => Type(m.ElementType) + " modreq(" + Type(m.ModifierType) + ")",
            OptionalModifierType m => Type(m.ElementType) + " modopt(" + Type(m.ModifierType) + ")",
            TypeDefinition d when IsHelper(d) => Helper(d),
            _ => type.FullName,
        };

        // A compiler-generated type only this method's code uses: named by the order it is met in, and followed.
        private string Helper(TypeDefinition type)
        {
            if (_helpers.TryGetValue(type, out var name)) return name;
            name = "<helper" + _helpers.Count.ToString(CultureInfo.InvariantCulture) + ">";
            _helpers[type] = name;
            _pending.Enqueue(type);
            foreach (var nested in type.NestedTypes) Helper(nested);
            return name;
        }

        // <PrivateImplementationDetails> is shared by the whole module and names its data by a hash of the content.
        private bool IsHelper(TypeDefinition type) =>
            type.Module == module && Eligibility.IsCompilerGenerated(type) && !GeneratedCode.IsClosure(type)
            && !(type.DeclaringType ?? type).Name.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal);
    }
}
