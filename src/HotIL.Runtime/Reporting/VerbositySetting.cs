namespace HotIL.Reporting;

/// <summary>
/// Reads the configured verbosity: the <c>HOTIL_VERBOSITY</c> environment variable for one run, else the
/// build's <c>HotILVerbosity</c> (runtimeconfig.json option <c>HotIL.Verbosity</c>), else Normal.
/// </summary>
internal static class VerbositySetting
{
    /// <summary>The runtimeconfig.json option the build writes from <c>$(HotILVerbosity)</c>.</summary>
    public const string AppContextKey = "HotIL.Verbosity";

    /// <summary>The environment variable that overrides the build's setting for one run.</summary>
    public const string EnvironmentVariable = "HOTIL_VERBOSITY";

    /// <summary>The configured verbosity; <paramref name="problem"/> explains a value that was not understood.</summary>
    public static HotReloadVerbosity Read(out string? problem)
    {
        problem = null;
        var (source, value) = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? (EnvironmentVariable, fromEnvironment)
            : ("HotILVerbosity", AppContext.GetData(AppContextKey) as string);
        if (string.IsNullOrWhiteSpace(value)) return HotReloadVerbosity.Normal;
        if (Parse(value.Trim()) is { } verbosity) return verbosity;
        problem = $"{source}={value} is not a verbosity (Quiet, Minimal, Normal, Detailed); using Normal";
        return HotReloadVerbosity.Normal;
    }

    // MSBuild's own spellings, so HotILVerbosity reads like -verbosity: q[uiet], m[inimal], n[ormal], d[etailed].
    private static HotReloadVerbosity? Parse(string value) => value.ToLowerInvariant() switch
    {
        "q" or "quiet" => HotReloadVerbosity.Quiet,
        "m" or "minimal" => HotReloadVerbosity.Minimal,
        "n" or "normal" => HotReloadVerbosity.Normal,
        "d" or "detailed" => HotReloadVerbosity.Detailed,
        _ => null,
    };
}
