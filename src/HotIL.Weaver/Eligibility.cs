using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>
/// Decides which methods get a slot. A method that is not eligible keeps its original body:
/// it still runs, it just cannot be replaced by a reload.
/// </summary>
public static class Eligibility
{
    /// <summary>Why <paramref name="method"/> cannot be woven, or null when it can.</summary>
    public static string? WhyNot(MethodDefinition method)
    {
        if (!method.HasBody) return "it has no IL body";
        if (method.IsConstructor && method.IsStatic) return "static constructors run once and are never replaced";
        if (method.CallingConvention == MethodCallingConvention.VarArg) return "varargs methods cannot be forwarded";
        if (method.DeclaringType.IsInterface) return "interface methods are not woven yet";
        if (IsCompilerGenerated(method.DeclaringType)) return "closures and state machines keep the code that created them";
        if (method.DeclaringType.Name == "<Module>") return "module-level code is not woven";
        if (method.DeclaringType.Name == Registry.TypeName) return "it belongs to the registry";
        if (ImplNaming.IsImplName(method.Name)) return "it is already an implementation method";
        if (IsDelegate(method.DeclaringType)) return "delegate members are implemented by the runtime";
        if (method.Body.Instructions.Any(i => i.OpCode.Code is Code.Jmp or Code.Arglist))
            return "its body uses jmp or arglist, which depend on its own frame";
        if (IsAutoAccessor(method)) return AutoAccessorReason;
        return WhyExcluded(method);
    }

    /// <summary>Why auto-property accessors are left as they are.</summary>
    public const string AutoAccessorReason =
        "it is the accessor of an auto-property: it only reads or writes its field, so it is left unwoven and costs nothing; giving it a body needs a restart";

    // An accessor the compiler wrote for `{ get; set; }`: optimized code inlines it to a field access, which a slot would cost a guard on every use.
    private static bool IsAutoAccessor(MethodDefinition method) =>
        (method.IsGetter || method.IsSetter)
        && method.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");

    /// <summary>Whether <paramref name="type"/> or an enclosing type was made by the compiler.</summary>
    public static bool IsCompilerGenerated(TypeDefinition type)
    {
        for (var t = type; t != null; t = t.DeclaringType)
        {
            if (t.Name.StartsWith('<')) return true;
            if (t.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute"))
                return true;
        }
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
        var attributes = method.Module.Assembly?.CustomAttributes;
        if (attributes == null || attributes.Count == 0) return null;
        var subjects = SubjectNames(method).ToArray();
        bool Names(string name) => subjects.Any(s => s == name || s.StartsWith(name + ".", StringComparison.Ordinal));
        if (MetadataValues(attributes, ExcludeKey).FirstOrDefault(Names) is { } excluded) return $"excluded by HotILExclude '{excluded}'";
        var included = MetadataValues(attributes, IncludeKey).ToArray();
        return included.Length > 0 && !included.Any(Names) ? "not named by any HotILInclude item" : null;
    }

    private static IEnumerable<string> MetadataValues(IEnumerable<CustomAttribute> attributes, string key) => attributes
        .Where(a => a.AttributeType.FullName == "System.Reflection.AssemblyMetadataAttribute" && a.ConstructorArguments.Count == 2
                    && a.ConstructorArguments[0].Value as string == key)
        .Select(a => a.ConstructorArguments[1].Value as string)
        .OfType<string>()
        .Where(name => name.Length > 0);

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
