using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;

namespace HotIL.Benchmarks;

/// <summary>The configuration every benchmark runs under: the four <see cref="BuildFlavor"/> jobs, plain Release the baseline.</summary>
internal static class BenchmarkConfig
{
    private static readonly Dictionary<string, Job?> RunTemplates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = null,
        ["dry"] = Job.Dry,
        ["short"] = Job.ShortRun,
        // What bench/perf.sh runs: enough iterations for upper outliers to be removed, one launch per job.
        ["steady"] = Job.Default.WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(15),
        ["medium"] = Job.MediumRun,
        ["long"] = Job.LongRun,
        ["verylong"] = Job.VeryLongRun,
    };

    public static IConfig Create(Job? runTemplate) =>
        ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(BuildFlavor.All.Select(f => f.ToJob(runTemplate)).ToArray())
            .AddColumn(new OverheadColumn())
            .HideColumns(Column.Arguments, Column.BuildConfiguration, Column.EnvironmentVariables)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByMethod)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared))
            // The Debug jobs are unoptimized on purpose; BuildCheck checks every job's optimization instead.
            .WithOptions(ConfigOptions.DisableOptimizationsValidator)
            // Four job builds, two of them with HotIL.Runtime and Roslyn, may share a small machine.
            .WithBuildTimeout(TimeSpan.FromMinutes(15));

    /// <summary>
    /// Takes <c>--job NAME</c> (or <c>-j NAME</c>; <c>--quick</c> = <c>--job short</c>) out of the arguments: it sets
    /// the run settings of the four jobs. Passed on, BenchmarkDotNet would add a fifth job instead.
    /// </summary>
    public static (Job? RunTemplate, string[] Remaining) ExtractRunTemplate(string[] args)
    {
        var rest = new List<string>();
        Job? template = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick") template = Job.ShortRun;
            else if (args[i] is "--job" or "-j" && i + 1 < args.Length)
                template = RunTemplates.TryGetValue(args[++i], out var t) ? t
                    : throw new ArgumentException($"unknown --job '{args[i]}'; use one of {string.Join(", ", RunTemplates.Keys)}");
            else rest.Add(args[i]);
        }
        return (template, rest.ToArray());
    }
}
