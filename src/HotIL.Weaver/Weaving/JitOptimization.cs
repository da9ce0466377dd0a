using System.Buffers.Binary;
using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>Whether the JIT will optimize a module's code, as the runtime decides it.</summary>
internal static class JitOptimization
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
            if (attribute.AttributeType.FullName == "System.Diagnostics.DebuggableAttribute")
                return !OptimizationsDisabled(attribute);
        return true;
    }

    // Read from the attribute's own bytes: decoding its arguments through Cecil needs the DebuggingModes enum
    // resolved, and a reference that does not resolve would either throw or leave the arguments empty.
    private static bool OptimizationsDisabled(CustomAttribute attribute)
    {
        var twoFlags = attribute.Constructor.Parameters.Count == 2; // DebuggableAttribute(bool tracking, bool disableOptimizations)
        var blob = BlobOf(attribute); // prolog 0x0001, then the fixed arguments
        if (twoFlags && blob.Length >= 4) return blob[3] != 0;
        if (!twoFlags && blob.Length >= 6) return (BinaryPrimitives.ReadInt32LittleEndian(blob.AsSpan(2)) & DisableOptimizations) != 0;
        // An attribute made in memory rather than read: its arguments are already decoded.
        var arguments = attribute.ConstructorArguments;
        return twoFlags
            ? arguments.Count == 2 && arguments[1].Value is true
            : arguments.Count == 1 && (Convert.ToInt32(arguments[0].Value, System.Globalization.CultureInfo.InvariantCulture) & DisableOptimizations) != 0;
    }

    private static byte[] BlobOf(CustomAttribute attribute)
    {
        try
        {
            return attribute.GetBlob();
        }
        catch (NotSupportedException)
        {
            return [];
        }
    }
}
