using System.Text;
using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>
/// The stable identity of a method across compilations: declaring type, name, generic arity,
/// static-ness, parameter and return types. Two compilations of unchanged source give equal keys;
/// a changed signature gives a different key (a removal plus an addition).
/// </summary>
internal readonly record struct MethodKey(string Value)
{
    [ThreadStatic] private static StringBuilder? _text;

    /// <summary>The key of <paramref name="method"/> as the user declared it.</summary>
    public static MethodKey For(MethodReference method) =>
        For(method.DeclaringType.FullName, method.Name, method.HasGenericParameters ? method.GenericParameters.Count : 0,
            method.HasThis, ParameterTypes(method), method.ReturnType);

    private static IEnumerable<TypeReference> ParameterTypes(MethodReference method)
    {
        if (!method.HasParameters) yield break;
        foreach (var p in method.Parameters) yield return p.ParameterType;
    }

    /// <summary>The key of an instance method declared on <paramref name="declaringTypeFullName"/>.</summary>
    public static MethodKey For(string declaringTypeFullName, string name, int genericArity, bool hasThis,
        IEnumerable<TypeReference> parameterTypes, TypeReference returnType)
    {
        // One builder per thread: a woven assembly computes a key per method, tens of thousands of them.
        var text = (_text ??= new StringBuilder(256)).Clear()
            .Append(declaringTypeFullName).Append("::").Append(name);
        if (genericArity > 0) text.Append('`').Append(genericArity);
        text.Append('(');
        var first = true;
        foreach (var type in parameterTypes)
        {
            if (!first) text.Append(',');
            text.Append(type.FullName);
            first = false;
        }
        text.Append(')');
        if (!hasThis) text.Append(" static");
        text.Append(':').Append(returnType.FullName);
        return new MethodKey(text.ToString());
    }

    /// <summary>The declaring type's full name (Cecil form, nested types joined with '/').</summary>
    public string DeclaringTypeFullName => Value[..Value.IndexOf("::", StringComparison.Ordinal)];

    /// <summary>The method's name, without its generic arity.</summary>
    public string Name
    {
        get
        {
            var start = Value.IndexOf("::", StringComparison.Ordinal) + 2;
            var end = Value.IndexOf('(', start);
            var arity = Value.IndexOf('`', start, end - start);
            return Value[start..(arity < 0 ? end : arity)];
        }
    }

    /// <summary>The full names of the parameter types, in order.</summary>
    public IReadOnlyList<string> ParameterTypeNames
    {
        get
        {
            var names = new List<string>();
            var start = Value.IndexOf('(', Value.IndexOf("::", StringComparison.Ordinal)) + 1;
            var depth = 0;
            var from = start;
            for (var i = start; i < Value.Length; i++)
            {
                var c = Value[i];
                if (c is '(' or '<' or '[') depth++;
                else if (c is '>' or ']' || (c == ')' && depth > 0)) depth--;
                else if (depth == 0 && c is ',' or ')')
                {
                    if (i > from) names.Add(Value[from..i]);
                    if (c == ')') break;
                    from = i + 1;
                }
            }
            return names;
        }
    }

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
