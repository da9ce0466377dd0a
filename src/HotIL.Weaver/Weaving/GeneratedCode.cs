using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>
/// The code C# compiles lambdas, anonymous methods, query clauses and local functions into: their
/// bodies (methods named <c>&lt;Owner&gt;b__…</c> and <c>&lt;Owner&gt;g__Name|…</c>) and the closures that
/// hold them (display classes <c>&lt;&gt;c__DisplayClass…</c>, the static lambda cache <c>&lt;&gt;c</c>,
/// <c>&lt;&gt;c__N</c> for generic methods). These are woven like the user's own methods, because
/// delegates created once (event handlers, timers, endpoints, cached static lambdas) keep calling them.
/// Their names carry the compiler's ordinals, so they are matched across compilations by the place
/// of their source, not by name (see <c>ClosureNames</c>).
/// </summary>
internal static class GeneratedCode
{
    private const string CompilerGeneratedAttribute = "System.Runtime.CompilerServices.CompilerGeneratedAttribute";

    /// <summary>Whether <paramref name="type"/> is a closure: a display class or a static lambda cache, nested in a user type.</summary>
    public static bool IsClosure(TypeDefinition type) =>
        type.DeclaringType is { } owner && !Eligibility.IsCompilerGenerated(owner)
        && (type.Name == "<>c" || type.Name.StartsWith("<>c__", StringComparison.Ordinal))
        && HasCompilerGeneratedAttribute(type);

    /// <summary>Whether <paramref name="type"/> is a closure or nested in one (the state machine of an async lambda).</summary>
    public static bool IsInClosure(TypeDefinition type)
    {
        for (var t = type; t != null; t = t.DeclaringType)
            if (IsClosure(t)) return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> is the user's or a closure of a user type: a type whose methods get slots.</summary>
    public static bool IsUserOrClosure(TypeDefinition type) => !Eligibility.IsCompilerGenerated(type) || IsClosure(type);

    /// <summary>Whether <paramref name="method"/> holds the body of a lambda, anonymous method or query clause.</summary>
    public static bool IsLambda(MethodDefinition method) => IsLambdaName(method.Name);

    /// <summary>Whether <paramref name="name"/> is the compiler's name for a lambda body.</summary>
    public static bool IsLambdaName(string name) => name.StartsWith('<') && name.Contains(">b__", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> is the compiler's name for a local function.</summary>
    public static bool IsLocalFunctionName(string name) => name.StartsWith('<') && name.Contains(">g__", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="method"/> is a lambda or local function body: code matched by its source, not its name.</summary>
    public static bool IsFunctionBody(MethodDefinition method) => IsLambdaName(method.Name) || IsLocalFunctionName(method.Name);

    /// <summary>
    /// The first source span of <paramref name="method"/>'s body, or of its state machine's when the body only
    /// starts one (an async lambda): where the body's source is. Null without line information.
    /// </summary>
    public static SourceSpan? BodySpanOf(MethodDefinition method)
    {
        var point = FirstVisible(method) ?? (StateMachineOf(method)?.Methods.FirstOrDefault(m => m.Name == "MoveNext") is { } moveNext ? FirstVisible(moveNext) : null);
        return point == null ? null : new SourceSpan(point.Document.Url, point.StartLine, point.StartColumn, point.EndLine, point.EndColumn);
    }

    private static SequencePoint? FirstVisible(MethodDefinition method)
    {
        if (!method.DebugInformation.HasSequencePoints) return null;
        foreach (var point in method.DebugInformation.SequencePoints)
            if (!point.IsHidden) return point;
        return null;
    }

    /// <summary>The state machine type an async method or iterator starts, when it is in the same module.</summary>
    public static TypeDefinition? StateMachineOf(MethodDefinition method)
    {
        if (!method.HasCustomAttributes) return null;
        foreach (var a in method.CustomAttributes)
            if (MethodSplitter.IsStateMachineAttribute(a) && a.ConstructorArguments.FirstOrDefault().Value is TypeReference t
                && t.Resolve() is { } type && type.Module == method.Module)
                return type;
        return null;
    }

    private static bool HasCompilerGeneratedAttribute(TypeDefinition type)
    {
        if (!type.HasCustomAttributes) return false;
        foreach (var a in type.CustomAttributes)
            if (a.AttributeType.FullName == CompilerGeneratedAttribute) return true;
        return false;
    }
}
