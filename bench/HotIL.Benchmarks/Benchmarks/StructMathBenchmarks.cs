using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>Small struct methods in numeric kernels: an n-body step (64 bodies) and 2048 matrix-vector products.</summary>
public class StructMathBenchmarks
{
    private StructMath _workload = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _workload = new StructMath();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public double NBodyStep() => _workload.NBodyStep();

    [Benchmark]
    public double TransformPoints() => _workload.TransformPoints();
}
