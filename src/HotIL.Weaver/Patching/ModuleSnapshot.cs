using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>What the diff needs to know of one method of a compiled module.</summary>
public sealed record MethodShape(
    MethodKey Key,
    string Fingerprint,
    bool IsVirtual,
    bool IsConstructor,
    bool IsStaticConstructor,
    bool IsCompilerGenerated,
    string? NotReloadableBecause);

/// <summary>What the diff needs to know of one user type of a compiled module.</summary>
public sealed record TypeShape(
    string FullName,
    string Kind,
    string? BaseType,
    IReadOnlyList<string> Interfaces,
    int GenericArity,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> EnumMembers);

/// <summary>
/// Pure data summary of a compiled (unwoven) module: the user's types and their methods. The
/// session keeps the snapshot of the last applied compilation instead of the module itself.
/// </summary>
public sealed class ModuleSnapshot
{
    private ModuleSnapshot(IReadOnlyDictionary<string, TypeShape> types, IReadOnlyDictionary<MethodKey, MethodShape> methods)
    {
        Types = types;
        Methods = methods;
    }

    /// <summary>User types (not compiler-generated) by full name.</summary>
    public IReadOnlyDictionary<string, TypeShape> Types { get; }

    /// <summary>Methods of user types by key.</summary>
    public IReadOnlyDictionary<MethodKey, MethodShape> Methods { get; }

    /// <summary>Summarises <paramref name="module"/>.</summary>
    public static ModuleSnapshot Of(ModuleDefinition module)
    {
        var types = new Dictionary<string, TypeShape>();
        var methods = new Dictionary<MethodKey, MethodShape>();
        foreach (var type in module.GetTypes())
        {
            if (type.Name == "<Module>" || Eligibility.IsCompilerGenerated(type)) continue;
            types[type.FullName] = ShapeOf(type);
            foreach (var method in type.Methods)
            {
                var key = MethodKey.For(method);
                methods[key] = new MethodShape(key, Fingerprint.Of(method), method.IsVirtual || method.IsAbstract,
                    method.IsConstructor && !method.IsStatic, method.IsConstructor && method.IsStatic,
                    IsCompilerGeneratedName(method.Name), Eligibility.WhyNot(method));
            }
        }
        return new ModuleSnapshot(types, methods);
    }

    // Local functions and other compiler-named helpers: only old code of their owner can call them.
    private static bool IsCompilerGeneratedName(string name) => name.StartsWith('<');

    private static TypeShape ShapeOf(TypeDefinition type) => new(
        type.FullName,
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : "class",
        type.BaseType?.FullName,
        type.Interfaces.Select(i => i.InterfaceType.FullName).Order(StringComparer.Ordinal).ToArray(),
        type.GenericParameters.Count,
        type.Fields.Where(f => !f.IsLiteral).ToDictionary(f => f.Name, f => (f.IsStatic ? "static " : "") + f.FieldType.FullName),
        type.IsEnum ? type.Fields.Where(f => f.IsLiteral).Select(f => f.Name + "=" + f.Constant).ToArray() : []);
}
