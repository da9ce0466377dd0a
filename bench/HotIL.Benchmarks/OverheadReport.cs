using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace HotIL.Benchmarks;

/// <summary>
/// The report printed after the run: every benchmark's woven/plain ratio per configuration and
/// their geometric means against the targets (issue 5). Also written to the results folder.
/// </summary>
internal static class OverheadReport
{
    // Targets: woven Release within 10% of plain Release, woven Debug within 5% of plain Debug.
    private static readonly Dictionary<string, double> Targets = new() { ["Release"] = 1.10, ["Debug"] = 1.05 };

    /// <summary>Prints the report; returns the process exit code (1 if a benchmark failed or a ratio is missing).</summary>
    public static int Write(IReadOnlyList<Summary> summaries, TextWriter output)
    {
        if (summaries.Count == 0) return 0; // --list, --help, nothing matched the filter
        var overheads = summaries.SelectMany(Overhead.AllOf).ToList();
        var text = Render(overheads);
        output.WriteLine();
        output.Write(text);
        var resultsDirectory = summaries[0].ResultsDirectoryPath;
        Directory.CreateDirectory(resultsDirectory);
        var file = Path.Combine(resultsDirectory, "HotIL-overhead.md");
        File.WriteAllText(file, text);
        output.WriteLine($"(also in {file})");
        return ReportFailures(summaries, overheads, output);
    }

    private static string Render(List<Overhead> overheads)
    {
        var text = new StringBuilder();
        var configurations = Targets.Keys.Where(c => overheads.Any(o => o.Flavor.Configuration == c)).ToArray();
        text.AppendLine("// * HotIL overhead: mean of the woven build / mean of the plain build of the same configuration *");
        text.AppendLine();
        text.AppendLine("| Benchmark | " + string.Join(" | ", configurations.Select(c => $"{c}+HotIL / {c}")) + " |");
        text.AppendLine("|---|" + string.Concat(configurations.Select(_ => "---:|")));
        foreach (var benchmark in overheads.Select(o => o.Benchmark).Distinct())
        {
            var cells = configurations.Select(c => overheads.FirstOrDefault(o => o.Benchmark == benchmark && o.Flavor.Configuration == c) is { } o ? Format(o.Ratio) : "-");
            text.AppendLine($"| {benchmark} | {string.Join(" | ", cells)} |");
        }
        var means = configurations.ToDictionary(c => c, c => Overhead.GeometricMean(overheads.Where(o => o.Flavor.Configuration == c).Select(o => o.Ratio)));
        text.AppendLine("| **geometric mean** | " + string.Join(" | ", configurations.Select(c => $"**{Format(means[c])}**")) + " |");
        text.AppendLine();
        foreach (var c in configurations)
        {
            var verdict = means[c] <= Targets[c] ? "met" : "NOT met";
            text.AppendLine($"{c}: geometric mean {Format(means[c])} over {overheads.Count(o => o.Flavor.Configuration == c)} benchmarks; target <= {Format(Targets[c])}: {verdict}");
        }
        return text.ToString();
    }

    private static int ReportFailures(IReadOnlyList<Summary> summaries, List<Overhead> overheads, TextWriter output)
    {
        var failed = summaries.SelectMany(s => s.BenchmarksCases.Where(c => s[c] is not { Success: true } || s[c]!.ResultStatistics == null))
            .Select(c => c.DisplayInfo).ToList();
        var expectedRatios = summaries.Sum(s => s.BenchmarksCases.Count(c => BuildFlavor.Of(c.Job) is { Woven: true }));
        if (failed.Count == 0 && overheads.Count == expectedRatios && !summaries.Any(s => s.HasCriticalValidationErrors)) return 0;
        output.WriteLine($"FAILED: {failed.Count} benchmark case(s) have no results, {expectedRatios - overheads.Count} ratio(s) missing; see the log above:");
        foreach (var name in failed) output.WriteLine("  " + name);
        return 1;
    }

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
