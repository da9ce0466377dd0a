using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>1024 awaits per invocation: all completed synchronously, or with a yield to the thread pool every 64.</summary>
public class AsyncBenchmarks
{
    private AsyncPipeline _workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _workload = new AsyncPipeline();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public Task<long> CompletedAwaits() => _workload.CompletedAwaits();

    [Benchmark]
    public Task<long> YieldingAwaits() => _workload.YieldingAwaits();
}
