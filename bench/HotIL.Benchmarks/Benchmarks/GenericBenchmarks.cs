using BenchmarkDotNet.Attributes;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>A generic class and generic methods over a value type (own code) and a reference type (shared code).</summary>
public class GenericBenchmarks
{
    private Generics<int> _overValueType = null!;
    private Generics<Symbol> _overReferenceType = null!;

    [GlobalSetup]
    public void Setup()
    {
        BuildCheck.Verify();
        _overValueType = new Generics<int>(GenericInputs.Integers());
        _overReferenceType = new Generics<Symbol>(GenericInputs.Symbols());
    }

    [GlobalCleanup]
    public void Cleanup() => BuildCheck.VerifyNoReload();

    [Benchmark]
    public int OverValueType() => _overValueType.Run();

    [Benchmark]
    public int OverReferenceType() => _overReferenceType.Run();
}
