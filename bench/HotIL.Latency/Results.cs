namespace HotIL.Latency;

/// <summary>One edit: write → the program printed the new value.</summary>
/// <param name="Number">1 is the first edit after the program was ready; warm edits follow.</param>
/// <param name="LatencyMs">From the start of the write to the program's first output line showing the edit.</param>
/// <param name="ReportedMs">What the tool itself said the reload took (HotIL's "applied in N ms", dotnet watch's "changes applied in Nms").</param>
/// <param name="Note">Anything unusual (dotnet watch restarted the app, ...).</param>
internal sealed record EditResult(int Number, double LatencyMs, double? ReportedMs, string? Note)
{
    /// <summary>The tool's own split of the reload into steps (HotIL at detailed verbosity), when it gave one.</summary>
    public IReadOnlyList<ReloadStep>? Steps { get; init; }
}

/// <summary>One step of a reload as the tool reported it.</summary>
/// <param name="Detail">What the step worked on (for HotIL's compile: how many files in full and as declarations).</param>
internal sealed record ReloadStep(string Name, double Ms, string? Detail);

/// <summary>One program run under one tool with a series of edits.</summary>
internal sealed class LiveRun
{
    public required string Tool { get; init; }

    /// <summary>The kind of edit this run makes (<see cref="EditKind.Name"/>).</summary>
    public required string Edit { get; init; }

    /// <summary>Process start → first output line (for dotnet watch this includes its build).</summary>
    public double? StartToFirstOutputMs { get; set; }

    /// <summary>Process start → the tool says it takes edits (HotIL: "watching"; dotnet watch: "Waiting for changes").</summary>
    public double? StartToReadyMs { get; set; }

    /// <summary>HotIL's own figure for its background warm-up compile.</summary>
    public double? WarmUpCompileMs { get; set; }

    public EditResult? First { get; set; }

    public List<EditResult> Warm { get; } = [];

    public string? Error { get; set; }

    /// <summary>Where the reloads of a few extra, traced edits spent their time (<c>--trace</c>).</summary>
    public TraceBreakdown? Trace { get; set; }

    public string? TraceError { get; set; }

    public double WarmP50 => Tools.Percentile(WarmLatencies, 0.50);

    public double WarmP90 => Tools.Percentile(WarmLatencies, 0.90);

    public double WarmP95 => Tools.Percentile(WarmLatencies, 0.95);

    public double WarmMax => WarmLatencies.Count == 0 ? double.NaN : WarmLatencies.Max();

    public double? ReportedWarmP50 => Warm.Where(w => w.ReportedMs != null).Select(w => w.ReportedMs!.Value).ToArray() is { Length: > 0 } r ? Tools.Median(r) : null;

    /// <summary>Median of latency minus the tool's own figure: the file watcher, debouncing, the poll interval and the pipe.</summary>
    public double? OutsideReloadP50 => Warm.Where(w => w.ReportedMs != null).Select(w => w.LatencyMs - w.ReportedMs!.Value).ToArray() is { Length: > 0 } r ? Tools.Median(r) : null;

    /// <summary>Median of each step over the warm edits that reported steps, in the order the tool reports them.</summary>
    public IReadOnlyList<ReloadStep> WarmStepMedians
    {
        get
        {
            var steps = Warm.Where(w => w.Steps != null).SelectMany(w => w.Steps!).ToArray();
            return steps.GroupBy(s => s.Name)
                .Select(g => new ReloadStep(g.Key, Tools.Median(g.Select(s => s.Ms).ToArray()), g.LastOrDefault(s => s.Detail != null)?.Detail))
                .ToArray();
        }
    }

    private IReadOnlyList<double> WarmLatencies => Warm.Select(w => w.LatencyMs).ToArray();
}

/// <summary>Start-up of the same program built with and without HotIL, started directly (<c>dotnet App.dll</c>).</summary>
internal sealed class StartupResult
{
    public List<double> PlainFirstOutputMs { get; } = [];

    public List<double> HotILFirstOutputMs { get; } = [];

    public string? Error { get; set; }
}

/// <summary>Median milliseconds of each step of a reload, replayed in the harness (see <see cref="Stages"/>).</summary>
/// <param name="Samples">Edits the medians are over.</param>
/// <param name="Ms">Median time of each step, indexed by <see cref="Stage"/>.</param>
/// <param name="ColdEmitMs">The first emit of the project, before any edit.</param>
internal sealed record StageTimes(int Samples, double[] Ms, double ColdEmitMs)
{
    public double TotalMs => Ms.Sum();
}

/// <summary>The replayed steps, in the order a reload runs them: indices into <see cref="StageTimes.Ms"/>.</summary>
internal static class Stage
{
    public const int ReadSources = 0, UpdateTree = 1, Generators = 2, Emit = 3, CecilRead = 4, MatchLambdas = 5, Snapshot = 6, Diff = 7,
        Patch = 8, Load = 9, Apply = 10, Count = 11;

    public static readonly string[] Headings =
        ["read all sources", "parse + replace tree", "generators", "emit PE+PDB", "Cecil read", "match lambdas", "snapshot", "diff", "patch", "load", "apply"];
}

/// <summary>Everything measured for one program.</summary>
internal sealed class TargetReport
{
    public required string Name { get; init; }

    public required int Lines { get; init; }

    public required int Files { get; init; }

    public required string Poll { get; init; }

    public double? BuildPlainMs { get; set; }

    public double? BuildHotILMs { get; set; }

    public StartupResult? Startup { get; set; }

    public List<LiveRun> Runs { get; } = [];

    public StageTimes? Stages { get; set; }

    public string? StagesError { get; set; }

    public string? Error { get; set; }
}

/// <summary>The whole run.</summary>
internal sealed class Report
{
    public required DateTimeOffset Started { get; init; }

    public required string Machine { get; init; }

    public required string HotILVersion { get; init; }

    public required string RuntimeConfiguration { get; init; }

    public required int PollMs { get; init; }

    public required int GapMs { get; init; }

    public required int WarmEdits { get; init; }

    public required string WriteMode { get; init; }

    public TimeSpan Duration { get; set; }

    public List<TargetReport> Targets { get; } = [];
}
