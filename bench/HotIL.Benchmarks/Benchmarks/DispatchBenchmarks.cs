using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>Virtual and interface calls over 2048 receivers of three types each.</summary>
public class DispatchBenchmarks
{
    private Dispatch _workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _workload = new Dispatch();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public double VirtualCalls() => _workload.VirtualCalls();

    [Benchmark]
    public long InterfaceCalls() => _workload.InterfaceCalls();
}
