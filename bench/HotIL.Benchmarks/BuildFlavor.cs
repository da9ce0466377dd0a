using BenchmarkDotNet.Jobs;

namespace HotIL.Benchmarks;

/// <summary>
/// One of the four builds measured side by side: Release or Debug, woven by HotIL or plain. Each is
/// a BenchmarkDotNet job with its own build of this app and the workloads, and its own process.
/// </summary>
internal sealed record BuildFlavor(string Configuration, bool Woven)
{
    /// <summary>Tells a job's process which build it should be running (checked by <see cref="BuildCheck"/>).</summary>
    public const string EnvironmentVariable = "HOTIL_BENCH_BUILD";

    public static readonly BuildFlavor PlainRelease = new("Release", false);
    public static readonly BuildFlavor WovenRelease = new("Release", true);
    public static readonly BuildFlavor PlainDebug = new("Debug", false);
    public static readonly BuildFlavor WovenDebug = new("Debug", true);

    public static IReadOnlyList<BuildFlavor> All { get; } = [PlainRelease, WovenRelease, PlainDebug, WovenDebug];

    /// <summary>The job's name in the summary table.</summary>
    public string Id => Woven ? Configuration + "+HotIL" : Configuration;

    /// <summary>The build this one is compared with: same configuration, not woven.</summary>
    public BuildFlavor Plain => this with { Woven = false };

    public bool IsOptimized => Configuration == "Release";

    /// <summary>The flavour this process was started as, if it was started by one of the jobs.</summary>
    public static BuildFlavor? Current => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The flavour a job builds, if it is one of ours.</summary>
    public static BuildFlavor? Of(Job job) =>
        Parse(job.Environment.EnvironmentVariables?.FirstOrDefault(v => v.Key == EnvironmentVariable)?.Value);

    /// <summary>
    /// The job: the build configuration, HotIL switched on or off explicitly (Debug would weave by
    /// default), and the run settings of <paramref name="runTemplate"/> (e.g. <see cref="Job.ShortRun"/>).
    /// </summary>
    public Job ToJob(Job? runTemplate)
    {
        var job = (runTemplate == null ? new Job(Id) : new Job(Id, runTemplate))
            .WithCustomBuildConfiguration(Configuration)
            .WithArguments(
            [
                new MsBuildArgument($"/p:HotILEnabled={(Woven ? "true" : "false")}"),
                // The workloads project never watches anyway; this keeps it so if its default changes.
                // A watcher would recompile on any save in the project and repoint slots mid-measurement.
                new MsBuildArgument("/p:HotILWatch=false"),
                // Tells the projects that the weaving task was built by the host build (see the .csproj files).
                new MsBuildArgument("/p:HotILBenchJob=true"),
            ])
            .WithEnvironmentVariables(
                new EnvironmentVariable(EnvironmentVariable, Id),
                // Same reason as HotILWatch=false, for the run (the variable overrides the build's choice).
                new EnvironmentVariable("HOTIL_WATCH", "0"),
                new EnvironmentVariable("HOTIL_VERBOSITY", "Quiet"));
        return this == PlainRelease ? job.AsBaseline() : job;
    }

    private static BuildFlavor? Parse(string? id) => All.FirstOrDefault(f => f.Id == id);
}
