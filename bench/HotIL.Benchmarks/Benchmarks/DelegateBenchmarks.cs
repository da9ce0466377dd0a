using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>Stored delegates and LINQ lambdas over 2048 elements: lambdas reached only through delegates.</summary>
public class DelegateBenchmarks
{
    private Delegates _workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _workload = new Delegates();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public int StoredPipeline() => _workload.StoredPipeline();

    [Benchmark]
    public long LinqQuery() => _workload.LinqQuery();
}
