using Mono.Cecil;

namespace HotIL.Weaver.Patching;

internal static class TypeReferenceExtensions
{
    /// <summary>Gives an open type reference its generic parameters (so member signatures can use !0, !1).</summary>
    public static TypeReference WithGenericParameters(this TypeReference type, int count)
    {
        for (var i = 0; i < count; i++) type.GenericParameters.Add(new GenericParameter(type));
        return type;
    }
}
