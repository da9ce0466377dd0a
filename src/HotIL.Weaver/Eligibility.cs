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
        return null;
    }

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

    private static bool IsDelegate(TypeDefinition type) =>
        type.BaseType?.FullName is "System.MulticastDelegate" or "System.Delegate";
}
