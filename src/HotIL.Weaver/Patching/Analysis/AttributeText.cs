using System.Globalization;
using System.Text;
using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// The custom attributes of a member as text, to tell whether an edit changed them. The compiler's own
/// (nullability, state machines, debugger hints) are left out: they follow the code, not the user's choice.
/// </summary>
internal static class AttributeText
{
    public static string Of(IMemberDefinition member)
    {
        var text = new StringBuilder();
        Append(text, member);
        if (member is MethodDefinition method)
        {
            foreach (var p in method.Parameters) Append(text.Append('|'), p);
            Append(text.Append("|return "), method.MethodReturnType);
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, ICustomAttributeProvider provider)
    {
        if (!provider.HasCustomAttributes) return;
        foreach (var a in provider.CustomAttributes)
        {
            if (IsCompilers(a.AttributeType)) continue;
            text.Append('[').Append(a.AttributeType.FullName).Append('(');
            foreach (var argument in a.ConstructorArguments) Append(text, argument).Append(',');
            foreach (var named in a.Fields.Concat(a.Properties)) Append(text.Append(named.Name).Append('='), named.Argument).Append(',');
            text.Append(")]");
        }
    }

    private static StringBuilder Append(StringBuilder text, CustomAttributeArgument argument) => argument.Value switch
    {
        CustomAttributeArgument[] items => text.Append('{').AppendJoin(',', items.Select(i => Append(new StringBuilder(), i).ToString())).Append('}'),
        CustomAttributeArgument boxed => Append(text, boxed),
        TypeReference type => text.Append("typeof(").Append(type.FullName).Append(')'),
        IFormattable value => text.Append(value.ToString(null, CultureInfo.InvariantCulture)),
        var value => text.Append('"').Append(value).Append('"'),
    };

    private static bool IsCompilers(TypeReference type) =>
        type.Namespace is "System.Runtime.CompilerServices" or "System.Diagnostics" or "Microsoft.CodeAnalysis";
}
