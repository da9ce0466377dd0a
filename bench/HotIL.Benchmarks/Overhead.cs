using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HotIL.Benchmarks;

/// <summary>What weaving costs one benchmark: its mean in a woven build over its mean in the plain build of the same configuration.</summary>
internal sealed record Overhead(string Benchmark, BuildFlavor Flavor, double Ratio)
{
    /// <summary>The overhead of a woven case, or null for a plain case or one without results.</summary>
    public static Overhead? Of(Summary summary, BenchmarkCase woven)
    {
        if (BuildFlavor.Of(woven.Job) is not { Woven: true } flavor) return null;
        var plain = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod == woven.Descriptor.WorkloadMethod
            && c.Descriptor.Type == woven.Descriptor.Type
            && c.Parameters.ValueInfo == woven.Parameters.ValueInfo
            && BuildFlavor.Of(c.Job) == flavor.Plain);
        var wovenMean = summary[woven]?.ResultStatistics?.Mean;
        var plainMean = plain == null ? null : summary[plain]?.ResultStatistics?.Mean;
        if (wovenMean is not double w || plainMean is not double p || p <= 0) return null;
        var name = $"{woven.Descriptor.Type.Name}.{woven.Descriptor.WorkloadMethod.Name}{woven.Parameters.DisplayInfo}";
        return new Overhead(name, flavor, w / p);
    }

    /// <summary>Every overhead in <paramref name="summary"/>.</summary>
    public static IEnumerable<Overhead> AllOf(Summary summary) =>
        summary.BenchmarksCases.Select(c => Of(summary, c)).OfType<Overhead>();

    /// <summary>The geometric mean of <paramref name="ratios"/> (the mean that treats 2x and 0.5x as opposites).</summary>
    public static double GeometricMean(IEnumerable<double> ratios)
    {
        var logs = ratios.Select(r => Math.Log(r)).ToArray();
        return logs.Length == 0 ? double.NaN : Math.Exp(logs.Average());
    }
}
