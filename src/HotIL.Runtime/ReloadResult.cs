namespace HotIL;

/// <summary>How a reload attempt ended.</summary>
public enum ReloadStatus
{
    /// <summary>A new generation was applied.</summary>
    Applied,
    /// <summary>The sources compile to the same code that is running; nothing to do.</summary>
    NoChanges,
    /// <summary>The sources do not compile; nothing was applied.</summary>
    CompileFailed,
    /// <summary>The edit cannot be applied in place (a rude edit); nothing was applied.</summary>
    Rejected,
    /// <summary>Building or loading the patch failed; nothing was applied.</summary>
    Failed,
}

/// <summary>The outcome of one reload attempt of one woven assembly.</summary>
public sealed class ReloadResult : EventArgs
{
    internal ReloadResult(string assembly, ReloadStatus status, int generation, TimeSpan elapsed)
    {
        Assembly = assembly;
        Status = status;
        Generation = generation;
        Elapsed = elapsed;
    }

    /// <summary>The woven assembly this reload was for.</summary>
    public string Assembly { get; }

    /// <summary>How the attempt ended.</summary>
    public ReloadStatus Status { get; }

    /// <summary>The generation running after the attempt (1 is the program as built).</summary>
    public int Generation { get; }

    /// <summary>Time from the start of the attempt until it ended.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Methods whose bodies were replaced.</summary>
    public IReadOnlyList<string> ChangedMethods { get; init; } = [];

    /// <summary>Methods that were added to existing types.</summary>
    public IReadOnlyList<string> AddedMethods { get; init; } = [];

    /// <summary>Methods that were removed (their slots now point at tombstones).</summary>
    public IReadOnlyList<string> RemovedMethods { get; init; } = [];

    /// <summary>Types that were added.</summary>
    public IReadOnlyList<string> AddedTypes { get; init; } = [];

    /// <summary>
    /// The loaded types this reload changed (their methods changed, were added or removed, or they gained
    /// fields) and the types it added: what HotIL passes to <c>MetadataUpdateHandler</c> handlers.
    /// </summary>
    public IReadOnlyList<Type> UpdatedTypes { get; init; } = [];

    /// <summary>
    /// Edits the running program will not act on until it restarts, one per member: changed static field
    /// initializers and static constructors (they do not run again), changed attributes (they belong to the
    /// loaded types), and changed code that runs only at start-up. <see cref="Diagnostics"/> says where and why.
    /// </summary>
    public IReadOnlyList<string> NeedRestart { get; init; } = [];

    /// <summary>
    /// IDs of the compile errors or rude edits that stopped the previous attempt and are gone now (the user fixed or
    /// undid the edit): an attempt that applies, or finds nothing to apply, says the earlier report no longer holds.
    /// </summary>
    public IReadOnlyList<string> Resolved { get; init; } = [];

    /// <summary>Whether an attempt that was not applied failed for the same reasons as the one before (the edit reported then is still there).</summary>
    public bool Repeated { get; init; }

    /// <summary>Errors and warnings, each <c>file(line,col): severity ID: message</c> where the place is known.</summary>
    public IReadOnlyList<string> Diagnostics { get; init; } = [];

    /// <summary>The steps of the attempt that ran, in order, with their times (empty when nothing needed compiling).</summary>
    public IReadOnlyList<ReloadStage> Stages { get; init; } = [];

    /// <summary>One line describing the outcome, as HotIL prints it.</summary>
    public override string ToString() => Status switch
    {
        ReloadStatus.Applied =>
            $"{Assembly}: generation {Generation} applied in {Elapsed.TotalMilliseconds:0} ms: {ChangedMethods.Count} changed, {AddedMethods.Count} added, {RemovedMethods.Count} removed" +
            (AddedTypes.Count > 0 ? $", {AddedTypes.Count} new types" : "") + RestartNote + ResolvedNote,
        ReloadStatus.NoChanges when NeedRestart.Count > 0 || Resolved.Count > 0 =>
            $"{Assembly}: no code {(NeedRestart.Count > 0 ? "to apply" : "changes")}" + RestartNote + ResolvedNote + $"; running generation {Generation}",
        ReloadStatus.NoChanges => $"{Assembly}: no code changes",
        ReloadStatus.CompileFailed => $"{Assembly}: the edit does not compile; still running generation {Generation}",
        ReloadStatus.Rejected when Repeated =>
            $"{Assembly}: the edit reported before still cannot be applied, so nothing saved since is applied either; still running generation {Generation}",
        ReloadStatus.Rejected => $"{Assembly}: the edit cannot be applied while the program runs; still running generation {Generation}",
        _ => $"{Assembly}: reload failed; still running generation {Generation}",
    };

    private string ResolvedNote => Resolved.Count == 0 ? "" : $"; {string.Join(", ", Resolved)} resolved";

    private string RestartNote => NeedRestart.Count switch
    {
        0 => "",
        1 => "; 1 edit takes effect only after a restart",
        var n => $"; {n} edits take effect only after a restart",
    };
}
