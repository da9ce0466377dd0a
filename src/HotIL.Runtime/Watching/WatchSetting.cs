using System.Reflection;
using System.Runtime.CompilerServices;
using HotIL.Weaver;

namespace HotIL.Watching;

/// <summary>
/// Whether HotIL watches a woven assembly's sources by itself. <c>HOTIL_WATCH=1</c> or <c>0</c> decides for one run.
/// Otherwise only a woven program watches: a process whose entry assembly is woven and was built to watch
/// (<c>HotILWatch</c>), and in it each woven assembly whose own build asked to. Any other process (a test host, a
/// plugin host, a tool) merely loaded woven libraries: it pays for no watcher and no warm-up, hears nothing from
/// HotIL, and reloads only when asked (<see cref="HotReload.ReloadAsync"/>).
/// </summary>
internal static class WatchSetting
{
    /// <summary>The environment variable that overrides the build's setting for one run.</summary>
    public const string EnvironmentVariable = "HOTIL_WATCH";

    /// <summary>What <c>HOTIL_WATCH</c> decides: true (<c>1</c>, <c>true</c>), false (<c>0</c>, <c>false</c>), or null to follow the build.</summary>
    public static bool? Forced => Environment.GetEnvironmentVariable(EnvironmentVariable) switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        _ => null,
    };

    /// <summary>Whether the process's entry assembly is woven: the process is the user's woven program, not a host of woven libraries.</summary>
    /// <param name="registering">The assembly registering now (the entry assembly is recognised without reflection).</param>
    public static bool IsWovenProgram(Assembly registering)
    {
        var entry = Assembly.GetEntryAssembly();
        return entry != null && (entry == registering || entry.GetType(Registry.TypeName, throwOnError: false) != null);
    }

    /// <summary>
    /// Whether the entry assembly is woven and its manifest asks to watch; <paramref name="programWatches"/> reads
    /// what its registration recorded (null when it found no manifest).
    /// </summary>
    public static bool ProgramAsksToWatch(Func<bool?> programWatches)
    {
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetType(Registry.TypeName, throwOnError: false) == null) return false;
        // The entry assembly registers from its module initializer before its code runs, so normally it already has;
        // a library loaded even earlier (a startup hook) runs that initializer now. A no-op once it ran.
        RuntimeHelpers.RunModuleConstructor(entry.ManifestModule.ModuleHandle);
        return programWatches() == true;
    }
}
