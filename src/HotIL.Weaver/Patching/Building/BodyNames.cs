using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Names the bodies a patch brings (changed bodies, implementations of added methods) after the user's method,
/// so that stack traces, logging and exception filters read <c>Run</c> where code of a reload runs, not a
/// marked name. They live in stand-in types beside forwarders of the same name and, once static, sometimes the
/// same parameters; an optional modifier on their return type (<c>modopt(&lt;HotIL&gt;Body)</c>, which the
/// runtime ignores) keeps their signatures apart. Two bodies that still collide keep the invisible marker of
/// decision 0002.
/// </summary>
internal sealed class BodyNames(ModuleDefinition module)
{
    /// <summary>Name of the patch's marker type.</summary>
    public const string MarkerName = "<HotIL>Body";

    private TypeDefinition? _marker;

    /// <summary>Gives <paramref name="body"/> the user's name <paramref name="userName"/>.</summary>
    public void Name(MethodDefinition body, string userName)
    {
        body.Name = userName;
        body.ReturnType = new OptionalModifierType(Marker, body.ReturnType);
    }

    /// <summary>Marks the later of two methods of a type that share name and signature (a forwarder never collides with a body).</summary>
    public static void KeepApart(IEnumerable<TypeDefinition> types)
    {
        foreach (var type in types)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var method in type.Methods)
                if (!seen.Add(Signature(method))) method.Name = ImplNaming.ImplNameFor(method.Name);
        }
    }

    private static string Signature(MethodDefinition method) =>
        $"{method.Name}`{method.GenericParameters.Count}({string.Join(",", method.Parameters.Select(p => p.ParameterType.FullName))}){(method.HasThis ? "" : " static")}:{method.ReturnType.FullName}";

    private TypeDefinition Marker
    {
        get
        {
            if (_marker != null) return _marker;
            _marker = new TypeDefinition("", MarkerName, TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class,
                module.TypeSystem.Object);
            module.Types.Add(_marker);
            return _marker;
        }
    }
}
