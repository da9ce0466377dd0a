namespace HotIL;

/// <summary>One step of a reload and how long it took, for finding where a slow reload spends its time.</summary>
/// <param name="Name">
/// The step: <c>compile</c> (Roslyn, including source generators), <c>read</c> (the compiled image, by Cecil),
/// <c>match lambdas</c> (naming lambdas and closures as the running ones), <c>snapshot</c> and <c>diff</c> (what
/// changed against the running code), <c>patch</c> (building the patch assembly), <c>load</c> (loading it into its
/// own context) or <c>apply</c> (repointing slots).
/// </param>
/// <param name="Elapsed">How long the step took.</param>
/// <param name="Detail">What the step worked on, where it varies between reloads (e.g. how many files were compiled in full).</param>
public readonly record struct ReloadStage(string Name, TimeSpan Elapsed, string? Detail = null)
{
    /// <summary>The step as HotIL prints it, e.g. <c>compile 120 ms (1 of 69 files in full)</c>.</summary>
    public override string ToString() => $"{Name} {Elapsed.TotalMilliseconds:0} ms" + (Detail == null ? "" : $" ({Detail})");
}
