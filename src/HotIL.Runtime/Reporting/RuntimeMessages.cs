namespace HotIL.Reporting;

/// <summary>One kind of line the runtime prints: its ID, the least verbosity that shows it, and its severity if it is a diagnostic.</summary>
/// <param name="Id">The ID (<c>HOTILnnnn</c>); docs/diagnostics.md lists every one.</param>
/// <param name="ShownFrom">The least <see cref="HotReloadVerbosity"/> at which the line is written.</param>
/// <param name="Severity"><c>error</c> or <c>warning</c> for diagnostics, written as <c>severity ID: text</c>; null for reports, written as <c>text [ID]</c>.</param>
internal sealed record MessageKind(string Id, HotReloadVerbosity ShownFrom, string? Severity = null);

/// <summary>The one table of the runtime's messages. Rude edits (HOTIL1xxx) and edit warnings (HOTIL2xxx) come with the reload's diagnostics.</summary>
internal static class RuntimeMessages
{
    /// <summary>Building or loading a patch failed (written by the reload session into the result's diagnostics).</summary>
    public const string PatchFailedId = "HOTIL3001";

    /// <summary>A matched lambda's new body cannot serve the delegates created before the edit (written into the result's diagnostics).</summary>
    public const string StaleClosureId = "HOTIL2005";

    public static readonly MessageKind NoManifest = new("HOTIL3002", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind ReloadingDisabled = new("HOTIL3003", HotReloadVerbosity.Quiet, "error");
    public static readonly MessageKind EventHandlerThrew = new("HOTIL3004", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind UpdateHandlerThrew = new("HOTIL3005", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind UpdateHandlerWithoutMethods = new("HOTIL3006", HotReloadVerbosity.Normal, "warning");
    public static readonly MessageKind UnknownVerbosity = new("HOTIL3007", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind GeneratorNotLoaded = new("HOTIL3008", HotReloadVerbosity.Normal, "warning");
    public static readonly MessageKind LogFileUnusable = new("HOTIL3009", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind LogFileInUse = new("HOTIL3010", HotReloadVerbosity.Quiet);
    public static readonly MessageKind NoDynamicCode = new("HOTIL3011", HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind StaleLoop = new("HOTIL2008", HotReloadVerbosity.Quiet, "warning");

    public static readonly MessageKind Ready = new("HOTIL4001", HotReloadVerbosity.Normal);
    public static readonly MessageKind Watching = new("HOTIL4002", HotReloadVerbosity.Normal);
    public static readonly MessageKind Applied = new("HOTIL4003", HotReloadVerbosity.Minimal);
    public static readonly MessageKind NoChanges = new("HOTIL4004", HotReloadVerbosity.Detailed);
    public static readonly MessageKind NoChangesWithWarnings = NoChanges with { ShownFrom = HotReloadVerbosity.Normal };
    public static readonly MessageKind CompileFailed = new("HOTIL4005", HotReloadVerbosity.Quiet);
    public static readonly MessageKind Rejected = new("HOTIL4006", HotReloadVerbosity.Quiet);
    public static readonly MessageKind Failed = new("HOTIL4007", HotReloadVerbosity.Quiet);
    public static readonly MessageKind UpdateHandlerCalled = new("HOTIL4008", HotReloadVerbosity.Detailed);
    public static readonly MessageKind Restarting = new("HOTIL4009", HotReloadVerbosity.Quiet);
    public static readonly MessageKind RestartFailed = new("HOTIL3012", HotReloadVerbosity.Quiet, "error");

    /// <summary>The report line of a reload's outcome.</summary>
    public static MessageKind For(ReloadResult result) => result.Status switch
    {
        // An edit that needs a restart is one that was not applied: shown even when quiet.
        _ when (result.NeedRestart.Count > 0 || result.Resolved.Count > 0) && result.Status is ReloadStatus.Applied or ReloadStatus.NoChanges
            => (result.Status == ReloadStatus.Applied ? Applied : NoChanges) with { ShownFrom = HotReloadVerbosity.Quiet },
        ReloadStatus.Applied => Applied,
        ReloadStatus.NoChanges => result.Diagnostics.Count > 0 ? NoChangesWithWarnings : NoChanges,
        ReloadStatus.CompileFailed => CompileFailed,
        ReloadStatus.Rejected => Rejected,
        _ => Failed,
    };

    /// <summary>
    /// Classifies a line the reload session logs as text (its start-up line, or a source generator that
    /// failed to load); those two are the only lines it logs.
    /// </summary>
    public static MessageKind ForSessionLine(string line) =>
        line.Contains(": ready to reload (", StringComparison.Ordinal) ? Ready : GeneratorNotLoaded;
}
