using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>Whether the JIT will optimize a module's code, as the runtime decides it.</summary>
public static class JitOptimization
{
    // DebuggingModes.DisableOptimizations: compilers mark unoptimized (Debug) builds with it.
    private const int DisableOptimizations = 0x100;

    /// <summary>
    /// False when the assembly carries <c>DebuggableAttribute</c> with <c>DisableOptimizations</c> (a Debug
    /// build): the JIT then compiles its methods without optimizing or inlining them.
    /// </summary>
    public static bool IsOptimized(ModuleDefinition module)
    {
        var assembly = module.Assembly;
        if (assembly == null || !assembly.HasCustomAttributes) return true;
        foreach (var attribute in assembly.CustomAttributes)
        {
            if (attribute.AttributeType.FullName != "System.Diagnostics.DebuggableAttribute" || attribute.ConstructorArguments.Count == 0) continue;
            var arguments = attribute.ConstructorArguments;
            // DebuggableAttribute(DebuggingModes) or the older DebuggableAttribute(bool tracking, bool disableOptimizations).
            return arguments.Count == 2 && arguments[1].Value is bool disabled
                ? !disabled
                : (Convert.ToInt32(arguments[0].Value, System.Globalization.CultureInfo.InvariantCulture) & DisableOptimizations) == 0;
        }
        return true;
    }
}
