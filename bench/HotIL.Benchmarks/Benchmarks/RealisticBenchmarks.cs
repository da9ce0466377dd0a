using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>Application-shaped code: a frame of a 4096-particle simulation, and tokenizing and evaluating a 300-statement script.</summary>
public class RealisticBenchmarks
{
    private ParticleWorld _world = null!;
    private ExpressionScript _script = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _world = new ParticleWorld();
        _script = new ExpressionScript();
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public int ParticleSimulation() => _world.Step();

    [Benchmark]
    public long ExpressionScript() => _script.Evaluate();
}
