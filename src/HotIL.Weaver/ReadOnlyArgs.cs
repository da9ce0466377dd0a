using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>
/// Which arguments of a method the callee may not modify: the receiver of a readonly struct or a
/// readonly member, and <c>in</c> parameters. A forwarder passes copies of these to a replaced body,
/// so the caller's own variables never have their address taken (decision 0010).
/// </summary>
public static class ReadOnlyArgs
{
    private const string IsReadOnlyAttribute = "System.Runtime.CompilerServices.IsReadOnlyAttribute";

    /// <summary>Whether <paramref name="method"/> receives a struct <c>this</c> it cannot modify.</summary>
    public static bool HasReadOnlyReceiver(MethodDefinition method) =>
        method.HasThis && !method.IsConstructor && method.DeclaringType.IsValueType
        && (HasIsReadOnly(method.DeclaringType.CustomAttributes) || HasIsReadOnly(method.CustomAttributes));

    /// <summary>Whether <paramref name="parameter"/> is an <c>in</c> parameter.</summary>
    public static bool IsIn(ParameterDefinition parameter) =>
        Unmodified(parameter.ParameterType) is ByReferenceType && HasIsReadOnly(parameter.CustomAttributes);

    /// <summary>The type an <c>in</c> parameter refers to.</summary>
    public static TypeReference Referent(ParameterDefinition parameter) => ((ByReferenceType)Unmodified(parameter.ParameterType)).ElementType;

    /// <summary>
    /// A signature of read-onlyness: <c>r</c> or <c>-</c> for the receiver, then per parameter <c>i</c>
    /// (<c>in</c>), <c>&amp;</c> (other by-reference) or <c>-</c>. A change between <c>in</c> and <c>ref</c>
    /// keeps a method's key, so the diff compares this too.
    /// </summary>
    public static string Describe(MethodDefinition method) =>
        (HasReadOnlyReceiver(method) ? "r" : "-")
        + string.Concat(method.Parameters.Select(p => IsIn(p) ? 'i' : Unmodified(p.ParameterType) is ByReferenceType ? '&' : '-'));

    private static TypeReference Unmodified(TypeReference type) => type is IModifierType modified ? Unmodified(modified.ElementType) : type;

    private static bool HasIsReadOnly(IEnumerable<CustomAttribute> attributes) => attributes.Any(a => a.AttributeType.FullName == IsReadOnlyAttribute);
}
