using HotIL.Weaver;

namespace HotIL.Reporting;

/// <summary>One kind of line the runtime prints: its ID, the least verbosity that shows it, and its severity if it is a diagnostic.</summary>
/// <param name="Id">The ID (<c>HOTILnnnn</c>); docs/diagnostics.md lists every one.</param>
/// <param name="ShownFrom">The least <see cref="HotReloadVerbosity"/> at which the line is written.</param>
/// <param name="Severity"><c>error</c> or <c>warning</c> for diagnostics, written as <c>severity ID: text</c>; null for reports, written as <c>text [ID]</c>.</param>
internal sealed record MessageKind(string Id, HotReloadVerbosity ShownFrom, string? Severity = null);

/// <summary>The one table of the runtime's messages. Rude edits (HOTIL1xxx) and edit warnings (HOTIL2xxx) come with the reload's diagnostics.</summary>
internal static class RuntimeMessages
{
    public static readonly MessageKind NoManifest = new(DiagnosticIds.NoManifest, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind ReloadingDisabled = new(DiagnosticIds.ReloadingDisabled, HotReloadVerbosity.Quiet, "error");
    public static readonly MessageKind EventHandlerThrew = new(DiagnosticIds.EventHandlerThrew, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind UpdateHandlerThrew = new(DiagnosticIds.UpdateHandlerThrew, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind UpdateHandlerWithoutMethods = new(DiagnosticIds.UpdateHandlerWithoutMethods, HotReloadVerbosity.Normal, "warning");
    public static readonly MessageKind UnknownVerbosity = new(DiagnosticIds.UnknownVerbosity, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind GeneratorNotLoaded = new(DiagnosticIds.GeneratorNotLoaded, HotReloadVerbosity.Normal, "warning");
    public static readonly MessageKind LogFileUnusable = new(DiagnosticIds.LogFileUnusable, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind LogFileInUse = new(DiagnosticIds.LogFileInUse, HotReloadVerbosity.Quiet);
    public static readonly MessageKind NoDynamicCode = new(DiagnosticIds.NoDynamicCode, HotReloadVerbosity.Quiet, "warning");
    public static readonly MessageKind StaleLoop = new(DiagnosticIds.StaleLoop, HotReloadVerbosity.Quiet, "warning");

    public static readonly MessageKind Ready = new(DiagnosticIds.Ready, HotReloadVerbosity.Normal);
    public static readonly MessageKind Watching = new(DiagnosticIds.Watching, HotReloadVerbosity.Normal);
    public static readonly MessageKind Applied = new(DiagnosticIds.Applied, HotReloadVerbosity.Minimal);
    public static readonly MessageKind NoChanges = new(DiagnosticIds.NoChanges, HotReloadVerbosity.Detailed);
    public static readonly MessageKind NoChangesWithWarnings = NoChanges with { ShownFrom = HotReloadVerbosity.Normal };
    public static readonly MessageKind CompileFailed = new(DiagnosticIds.CompileFailed, HotReloadVerbosity.Quiet);
    public static readonly MessageKind Rejected = new(DiagnosticIds.Rejected, HotReloadVerbosity.Quiet);
    public static readonly MessageKind Failed = new(DiagnosticIds.Failed, HotReloadVerbosity.Quiet);
    public static readonly MessageKind UpdateHandlerCalled = new(DiagnosticIds.UpdateHandlerCalled, HotReloadVerbosity.Detailed);
    public static readonly MessageKind Restarting = new(DiagnosticIds.Restarting, HotReloadVerbosity.Quiet);
    public static readonly MessageKind RestartFailed = new(DiagnosticIds.RestartFailed, HotReloadVerbosity.Quiet, "error");

    // Written by HotIL.AspNetCore.
    public static readonly MessageKind CannotReRender = new(DiagnosticIds.CannotReRender, HotReloadVerbosity.Normal, "warning");
    public static readonly MessageKind BrowserRefreshOn = new(DiagnosticIds.BrowserRefreshOn, HotReloadVerbosity.Normal);
    public static readonly MessageKind PagesTold = new(DiagnosticIds.PagesTold, HotReloadVerbosity.Detailed);

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
