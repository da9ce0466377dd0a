using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// References to members of a type that may be generic. Code inside a generic type names its own fields and methods
/// through the type instantiated over its own parameters (<c>Box&lt;!0&gt;::field</c>), and code elsewhere through
/// the instantiation it uses; a bare definition token would name the open type, which only a non-generic type can be.
/// </summary>
internal static class GenericMembers
{
    /// <summary><paramref name="field"/> as code inside its own type names it.</summary>
    public static FieldReference Self(FieldDefinition field) =>
        field.DeclaringType.HasGenericParameters ? new FieldReference(field.Name, field.FieldType, MethodSplitter.SelfType(field.DeclaringType)) : field;

    /// <summary><paramref name="method"/> as code inside its own type names it.</summary>
    public static MethodReference Self(MethodDefinition method) =>
        method.DeclaringType.HasGenericParameters ? On(method, MethodSplitter.SelfType(method.DeclaringType)) : method;

    /// <summary><paramref name="field"/> of <paramref name="declaringType"/>, an instantiation of the field's type (or the type itself).</summary>
    public static FieldReference On(FieldReference field, TypeReference declaringType) => new(field.Name, field.FieldType, declaringType);

    /// <summary><paramref name="method"/> of <paramref name="declaringType"/>, an instantiation of the method's type (or the type itself).</summary>
    public static MethodReference On(MethodReference method, TypeReference declaringType)
    {
        var reference = new MethodReference(method.Name, method.ReturnType, declaringType) { HasThis = method.HasThis, ExplicitThis = method.ExplicitThis };
        foreach (var p in method.Parameters) reference.Parameters.Add(new ParameterDefinition(p.ParameterType));
        return reference;
    }

    /// <summary>
    /// <paramref name="home"/>'s type instantiated with the type arguments a use of it gives (<paramref name="use"/>'s
    /// declaring type, e.g. <c>Box&lt;int&gt;</c>), or <paramref name="home"/>'s type itself when it is not generic.
    /// </summary>
    public static TypeReference Instantiate(TypeReference home, TypeReference use, Func<TypeReference, TypeReference> retarget)
    {
        if (use is not GenericInstanceType generic) return home;
        var instance = new GenericInstanceType(home);
        foreach (var argument in generic.GenericArguments) instance.GenericArguments.Add(retarget(argument));
        return instance;
    }
}
