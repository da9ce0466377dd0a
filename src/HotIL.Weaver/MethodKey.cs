using System.Text;
using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>
/// The stable identity of a method across compilations: declaring type, name, generic arity,
/// static-ness, parameter and return types. Two compilations of unchanged source give equal keys;
/// a changed signature gives a different key (a removal plus an addition).
/// </summary>
public readonly record struct MethodKey(string Value)
{
    /// <summary>The key of <paramref name="method"/> as the user declared it.</summary>
    public static MethodKey For(MethodReference method) =>
        For(method.DeclaringType.FullName, method.Name, method.GenericParameters.Count,
            method.HasThis, method.Parameters.Select(p => p.ParameterType), method.ReturnType);

    /// <summary>The key of an instance method declared on <paramref name="declaringTypeFullName"/>.</summary>
    public static MethodKey For(string declaringTypeFullName, string name, int genericArity, bool hasThis,
        IEnumerable<TypeReference> parameterTypes, TypeReference returnType)
    {
        var text = new StringBuilder()
            .Append(declaringTypeFullName).Append("::").Append(name);
        if (genericArity > 0) text.Append('`').Append(genericArity);
        text.Append('(').AppendJoin(",", parameterTypes.Select(t => t.FullName)).Append(')');
        if (!hasThis) text.Append(" static");
        text.Append(':').Append(returnType.FullName);
        return new MethodKey(text.ToString());
    }

    /// <summary>The declaring type's full name (Cecil form, nested types joined with '/').</summary>
    public string DeclaringTypeFullName => Value[..Value.IndexOf("::", StringComparison.Ordinal)];

    /// <summary>A short readable form for messages: <c>Namespace.Type.Method(int, string)</c>.</summary>
    public string DisplayName
    {
        get
        {
            var sep = Value.IndexOf("::", StringComparison.Ordinal);
            var close = Value.LastIndexOf(')');
            var type = Value[..sep].Replace('/', '.');
            return type + "." + Value[(sep + 2)..(close + 1)];
        }
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
