using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using HotIL.Bench.Workloads;

namespace HotIL.Benchmarks;

/// <summary>
/// Makes sure a job measures the build it is named after: BenchmarkDotNet builds every job's copy of
/// the workloads separately, and a plain build where a woven one was expected (or an optimized one
/// where Debug was) would produce plausible but meaningless ratios. Every benchmark's global setup
/// calls <see cref="Verify"/>; it throws, so the benchmark fails, rather than measure the wrong thing.
/// </summary>
internal static class BuildCheck
{
    private const string RegistryTypeName = "<HotIL>Registry";
    private static BuildFlavor? _verified;

    public static Assembly Workloads => typeof(LeafCalls).Assembly;

    /// <summary>Checks the running build against the job's flavour; for a woven build, waits for HotIL's warm-up.</summary>
    public static void Verify()
    {
        if (_verified != null) return;
        var expected = BuildFlavor.Current ?? throw new InvalidOperationException(
            $"{BuildFlavor.EnvironmentVariable} is not set: run the benchmarks through HotIL.Benchmarks' own jobs (dotnet run -c Release --project bench/HotIL.Benchmarks).");
        var actual = new BuildFlavor(IsOptimized(Workloads) ? "Release" : "Debug", Workloads.GetType(RegistryTypeName) != null);
        if (actual != expected)
            throw new InvalidOperationException($"job {expected.Id} is running a {actual.Id} build of {Workloads.Location}; the job's build did not apply its settings.");
        if (IsOptimized(typeof(BuildCheck).Assembly) != expected.IsOptimized)
            throw new InvalidOperationException($"job {expected.Id} is running a {(expected.IsOptimized ? "Debug" : "Release")} build of the benchmarks themselves.");
        var warmUp = expected.Woven ? WaitForWarmUp() : TimeSpan.Zero;
        Console.WriteLine($"// HotIL build check: {expected.Id} as expected ({(expected.IsOptimized ? "optimized" : "JIT optimizer disabled")}, "
                          + (expected.Woven ? $"{RegistryTypeName} present, warm-up finished after {warmUp.TotalSeconds:0.0} s)" : "not woven)"));
        _verified = expected;
    }

    /// <summary>Checks that no reload replaced code while the benchmark ran (the forwarders took the direct path throughout).</summary>
    public static void VerifyNoReload()
    {
        if (_verified is not { Woven: true }) return;
        var generation = (int)HotReloadProperty("Generation");
        if (generation != 1)
            throw new InvalidOperationException($"HotIL applied a reload during the benchmark (generation {generation}); its numbers measure replaced code.");
    }

    // Compilers mark Debug builds with DebuggableAttribute(DisableOptimizations); the JIT then compiles without optimizing.
    private static bool IsOptimized(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    // A woven assembly registers with HotIL from its module initializer, and HotIL then compiles the
    // project once in the background (Roslyn's first compile, seconds of CPU). Measuring starts after it.
    private static TimeSpan WaitForWarmUp()
    {
        var clock = Stopwatch.StartNew();
        RuntimeHelpers.RunModuleConstructor(Workloads.ManifestModule.ModuleHandle);
        var ready = (Task)HotReloadProperty("WhenReady");
        try
        {
            if (!ready.Wait(TimeSpan.FromMinutes(5))) throw new TimeoutException("HotIL's warm-up did not finish within 5 minutes.");
        }
        catch (AggregateException e)
        {
            // Reloading is then disabled, but the woven code runs (and is measured) all the same.
            Console.WriteLine($"// HotIL warm-up failed ({e.GetBaseException().Message}); measuring the woven code anyway.");
        }
        return clock.Elapsed;
    }

    // The benchmarks reference HotIL.Runtime only through the woven workloads, so only by reflection.
    private static object HotReloadProperty(string name)
    {
        var hotReload = Type.GetType("HotIL.HotReload, HotIL.Runtime", throwOnError: true)!;
        return hotReload.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
               ?? throw new MissingMemberException("HotIL.HotReload", name);
    }
}
