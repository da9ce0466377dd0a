using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>Property getters and small static methods in a loop (2048 elements).</summary>
public class LeafCallBenchmarks
{
    private LeafCalls _workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _workload = new LeafCalls();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public long PropertyGetters() => _workload.PropertyGetters();

    [Benchmark]
    public int SmallArithmetic() => _workload.SmallArithmetic();
}
