using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>
/// Which arguments of a method the callee may not modify: the receiver of a readonly struct or a
/// readonly member, and <c>in</c> parameters. A forwarder passes copies of these to a replaced body,
/// so the caller's own variables never have their address taken (decision 0010).
/// </summary>
internal static class ReadOnlyArgs
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
    /// Whether a copy can stand in for the caller's variable: only if no reference to it can outlive the
    /// call. A by-reference or ref-struct return, or a by-reference or ref-struct parameter, could carry a
    /// reference to an <c>in</c> argument (<c>ref readonly T M(in T x) => ref x;</c>) out of the call,
    /// where it would point into the forwarder's copy. A type that does not resolve counts as unsafe.
    /// </summary>
    public static bool CopiesCannotEscape(MethodDefinition method) =>
        !MayCarryReference(method.ReturnType, allowVoid: true)
        && method.Parameters.All(p => IsIn(p) ? !MayCarryReference(Referent(p), allowVoid: false) : !MayCarryReference(p.ParameterType, allowVoid: false));

    private static bool MayCarryReference(TypeReference type, bool allowVoid)
    {
        type = Unmodified(type);
        if (type.MetadataType == MetadataType.Void) return !allowVoid;
        if (type is ByReferenceType or PointerType or FunctionPointerType) return true;
        if (type is GenericParameter parameter) return ((ushort)parameter.Attributes & AllowByRefLike) != 0;
        if (type is ArrayType || !type.IsValueType) return false;
        var definition = Resolve(type);
        return definition == null || definition.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IsByRefLikeAttribute");
    }

    // GenericParameterAttributes.AllowByRefLike (C# 13 `allows ref struct`); Cecil 0.11 has no name for it.
    private const ushort AllowByRefLike = 0x0020;

    private static TypeDefinition? Resolve(TypeReference type)
    {
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

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
