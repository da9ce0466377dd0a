using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>
/// Decides which methods get a slot. A method that is not eligible keeps its original body:
/// it still runs, it just cannot be replaced by a reload.
/// </summary>
internal static class Eligibility
{
    /// <summary>Why <paramref name="method"/> cannot be woven, or null when it can.</summary>
    public static string? WhyNot(MethodDefinition method)
    {
        if (!method.HasBody) return "it has no IL body";
        if (method.IsConstructor && method.IsStatic) return "static constructors run once and are never replaced";
        if (method.CallingConvention == MethodCallingConvention.VarArg) return "varargs methods cannot be forwarded";
        // Default interface methods and static interface methods with bodies are woven; static virtual members are
        // called through constraints that name the implementing type, which a slot cannot stand for.
        if (method.DeclaringType.IsInterface && method.IsStatic && (method.IsVirtual || method.IsAbstract)) return "static virtual interface members are not woven";
        if (GeneratedCode.IsClosure(method.DeclaringType))
        {
            if (method.IsConstructor) return "a closure's constructor only creates it";
        }
        else if (IsCompilerGenerated(method.DeclaringType)) return "a state machine runs the code of the call that started it";
        if (method.DeclaringType.Name == "<Module>") return "module-level code is not woven";
        if (method.DeclaringType.Name == Registry.TypeName) return "it belongs to the registry";
        if (ImplNaming.IsImplName(method.Name)) return "it is already an implementation method";
        if (IsDelegate(method.DeclaringType)) return "delegate members are implemented by the runtime";
        if (UsesOwnFrame(method.Body)) return "its body uses jmp or arglist, which depend on its own frame";
        if (IsAutoAccessor(method)) return AutoAccessorReason;
        return WhyExcluded(method);
    }

    private static bool UsesOwnFrame(MethodBody body)
    {
        foreach (var i in body.Instructions)
            if (i.OpCode.Code is Code.Jmp or Code.Arglist) return true;
        return false;
    }

    /// <summary>Why auto-property accessors are left as they are.</summary>
    public const string AutoAccessorReason =
        "it is the accessor of an auto-property: it only reads or writes its field, so it is left unwoven and costs nothing; giving it a body needs a restart";

    // An accessor the compiler wrote for `{ get; set; }`: optimized code inlines it to a field access, which a slot would cost a guard on every use.
    private static bool IsAutoAccessor(MethodDefinition method) =>
        (method.IsGetter || method.IsSetter)
        && HasAttribute(method, CompilerGeneratedAttribute);

    private const string CompilerGeneratedAttribute = "System.Runtime.CompilerServices.CompilerGeneratedAttribute";

    // Asked of every method and its enclosing types: Has* first (no collection is created for none), no enumerator boxed.
    private static bool HasAttribute(ICustomAttributeProvider provider, string fullName)
    {
        if (!provider.HasCustomAttributes) return false;
        foreach (var a in provider.CustomAttributes)
            if (a.AttributeType.FullName == fullName) return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> or an enclosing type was made by the compiler.</summary>
    public static bool IsCompilerGenerated(TypeDefinition type)
    {
        for (var t = type; t != null; t = t.DeclaringType)
        {
            if (t.Name.StartsWith('<')) return true;
            if (HasAttribute(t, CompilerGeneratedAttribute) && !HoldsTopLevelStatements(t)) return true;
        }
        return false;
    }

    // The class of top-level statements is the compiler's, but the code in it is the user's (some compilers mark it).
    private static bool HoldsTopLevelStatements(TypeDefinition type)
    {
        foreach (var m in type.Methods)
            if (m.Name == "<Main>$") return true;
        return false;
    }

    /// <summary>Assembly metadata key (from MSBuild items <c>HotILExclude</c>) naming a namespace, type or method to leave unwoven.</summary>
    public const string ExcludeKey = "HotIL.Exclude";

    /// <summary>Assembly metadata key (from MSBuild items <c>HotILInclude</c>): when present, only what they name is woven.</summary>
    public const string IncludeKey = "HotIL.Include";

    // The build writes the user's choices as [assembly: AssemblyMetadata(key, name)]; the runtime's
    // recompile carries the same attributes, so a reload judges a method exactly as the weaver did.
    private static string? WhyExcluded(MethodDefinition method)
    {
        var assembly = method.Module.Assembly;
        if (assembly == null || !assembly.HasCustomAttributes) return null;
        // Most assemblies name nothing: the subject names (two strings per method) are built only when needed.
        var excluded = MetadataValues(assembly.CustomAttributes, ExcludeKey);
        var included = MetadataValues(assembly.CustomAttributes, IncludeKey);
        if (excluded == null && included == null) return null;
        var subjects = SubjectNames(method).ToArray();
        bool Names(string name) => subjects.Any(s => s == name || s.StartsWith(name + ".", StringComparison.Ordinal));
        if (excluded?.FirstOrDefault(Names) is { } exclusion) return $"excluded by HotILExclude '{exclusion}'";
        return included != null && !included.Any(Names) ? "not named by any HotILInclude item" : null;
    }

    // The non-empty values of the assembly's metadata attributes with this key; null when there are none.
    private static List<string>? MetadataValues(Mono.Collections.Generic.Collection<CustomAttribute> attributes, string key)
    {
        List<string>? values = null;
        foreach (var a in attributes)
        {
            if (a.AttributeType.FullName == "System.Reflection.AssemblyMetadataAttribute" && a.ConstructorArguments.Count == 2
                && a.ConstructorArguments[0].Value as string == key && a.ConstructorArguments[1].Value is string { Length: > 0 } name)
                (values ??= []).Add(name);
        }
        return values;
    }

    // Type.Method, and Type.Property for accessors, with nested types joined by '.'.
    private static IEnumerable<string> SubjectNames(MethodDefinition method)
    {
        var type = method.DeclaringType.FullName.Replace('/', '.');
        yield return type + "." + method.Name;
        if (method.IsSpecialName && method.Name.IndexOf('_') is > 0 and var split) yield return type + "." + method.Name[(split + 1)..];
    }

    private static bool IsDelegate(TypeDefinition type) =>
        type.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";
}
