using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HotIL.Benchmarks;

/// <summary>
/// Summary column "HotIL/plain": for a woven job, its mean over the plain job of the same
/// configuration (BenchmarkDotNet's own Ratio compares every job with plain Release only).
/// </summary>
internal sealed class OverheadColumn : IColumn
{
    public string Id => "HotIL.Overhead";

    public string ColumnName => "HotIL/plain";

    public string Legend => "Mean of the woven build / mean of the plain build of the same configuration";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        Overhead.Of(summary, benchmarkCase) is { } overhead ? overhead.Ratio.ToString("0.000") : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
