using HotIL.RealWorld.Tests.Drivers;
using HotIL.RealWorld.Tests.Support;
using Xunit.Abstractions;
using HotIL.Watching;

namespace HotIL.RealWorld.Tests;

/// <summary>
/// Woven Roslyn against the shipped one: deterministic compiles must give byte-identical output. The compilers
/// stay loaded until the test run ends: unloading collectible contexts of Roslyn while other threads compile
/// crashes the runtime now and then, woven or not (decision 0012).
/// </summary>
public sealed class RoslynTests(ITestOutputHelper output)
{
    [Fact]
    public void Woven_Roslyn_core_compiles_HotILs_own_sources_to_byte_identical_assemblies_and_pdbs()
    {
        using var compilers = Compilers.CoreWoven();
        var weaverImage = CompileOnEachSide(compilers, SourceSets.Weaver(), [], optimize: true, concurrent: true);
        CompileOnEachSide(compilers, SourceSets.Runtime(), [weaverImage], optimize: false, concurrent: true);
    }

    [Fact]
    public void Woven_Roslyn_core_compiles_generated_code_to_byte_identical_output_in_debug_and_release()
    {
        using var compilers = Compilers.CoreWoven(withRewrittenBaseline: true);
        var generated = SourceSets.Generated(files: 30);
        CompileOnEachSide(compilers, generated, [], optimize: false, concurrent: true);
        CompileOnEachSide(compilers, generated, [], optimize: true, concurrent: false);
        // Again, now that each side has compiled its code: the steady-state cost of weaving.
        CompileOnEachSide(compilers, generated, [], optimize: true, concurrent: false);
    }

    [Fact]
    public void Woven_Roslyn_core_reports_the_same_diagnostics_as_the_original_for_broken_code()
    {
        using var compilers = Compilers.CoreWoven();
        var broken = Broken(SourceSets.Generated(files: 6, seed: 7));
        var args = broken.CompileArguments([], optimize: false, concurrent: false);
        var w = compilers.Woven.Call<object[]>(nameof(RoslynDriver), nameof(RoslynDriver.Compile), args);
        var o = compilers.Original.Call<object[]>(nameof(RoslynDriver), nameof(RoslynDriver.Compile), args);
        ((string)o[2]).Should().StartWith("FAILED");
        var diagnostics = ((string)o[2]).Split('\n')[1..];
        output.WriteLine($"{diagnostics.Length:N0} diagnostics; first: {diagnostics[0]}");
        diagnostics.Length.Should().BeGreaterThan(100);
        ((string)w[2]).Should().Be((string)o[2]);
    }

    // Took minutes to start until the registry moved out of the module initializer (decision 0011).
    [Fact]
    public void Fully_woven_Roslyn_compiles_HotILs_own_sources_and_generated_code_to_byte_identical_output()
    {
        using var compilers = Compilers.AllWoven();
        var weaverImage = CompileOnEachSide(compilers, SourceSets.Weaver(), [], optimize: true, concurrent: true);
        CompileOnEachSide(compilers, SourceSets.Runtime(), [weaverImage], optimize: false, concurrent: true);
        CompileOnEachSide(compilers, SourceSets.Generated(files: 30), [], optimize: true, concurrent: false);
    }

    // On demand: many concurrent compiles on each side, counting the ones that throw or differ, to tell a
    // concurrency problem of woven code from one of Roslyn, of the runtime or of this harness.
    // HOTIL_ROSLYN_ROUNDS (default 5); HOTIL_ROSLYN_SIDES=original|woven|both (default both);
    // HOTIL_ROSLYN_FRESH=0 keeps one pair of load contexts for every round instead of loading and unloading each round;
    // HOTIL_ROSLYN_GC=1 collects garbage on another thread all the while, to bring out code that loses track of references.
    [RoslynFact]
    public void Repeated_concurrent_compiles_fail_no_more_often_on_woven_Roslyn_than_on_the_shipped_one()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("HOTIL_ROSLYN_ROUNDS"), out var n) ? n : 5;
        var sides = Environment.GetEnvironmentVariable("HOTIL_ROSLYN_SIDES") ?? "both";
        var fresh = Environment.GetEnvironmentVariable("HOTIL_ROSLYN_FRESH") != "0";
        var failures = new Dictionary<string, int>();
        var generated = SourceSets.Generated(files: 30);
        var args = generated.CompileArguments([], optimize: false, concurrent: true);
        object[]? expected = null;
        Compilers? kept = null;
        using var collecting = new CancellationTokenSource();
        var collector = Environment.GetEnvironmentVariable("HOTIL_ROSLYN_GC") == "1"
            ? Task.Factory.StartNew(() => CollectUntil(collecting.Token), TaskCreationOptions.LongRunning)
            : Task.CompletedTask;
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var compilers = fresh ? Compilers.CoreWoven(collectible: true) : kept ??= Compilers.CoreWoven(collectible: true);
                try
                {
                    foreach (var side in new[] { compilers.Original, compilers.Woven }.Where(s => sides == "both" || s.Label == sides))
                    {
                        try
                        {
                            var result = side.Call<object[]>(nameof(RoslynDriver), nameof(RoslynDriver.Compile), args);
                            expected ??= result;
                            if (!((byte[])result[0]).AsSpan().SequenceEqual((byte[])expected[0])) throw new InvalidOperationException("different assembly bytes");
                        }
                        catch (Exception e)
                        {
                            failures[side.Label] = failures.GetValueOrDefault(side.Label) + 1;
                            output.WriteLine($"round {round}, {side.Label}: {e}");
                        }
                    }
                }
                finally
                {
                    if (fresh) compilers.Dispose();
                }
            }
        }
        finally
        {
            collecting.Cancel();
            collector.Wait();
            kept?.Dispose();
        }
        output.WriteLine($"{rounds} rounds ({sides}, {(fresh ? "fresh contexts each round" : "one set of contexts")}); " +
                         $"failures: {string.Join(", ", failures.Select(f => $"{f.Key} {f.Value}"))}");
        failures.Should().BeEmpty();
    }

    private static int CollectUntil(CancellationToken stop)
    {
        var collections = 0;
        while (!stop.IsCancellationRequested)
        {
            GC.Collect(collections % 2 == 0 ? 0 : 2, GCCollectionMode.Forced, blocking: true);
            collections++;
            Thread.Sleep(1);
        }
        return collections;
    }

    private static SourceSet Broken(SourceSet generated) => generated with
    {
        Sources = generated.Sources.Select((s, i) => (i % 3) switch
        {
            0 => s.Replace("return ", "return (string)", StringComparison.Ordinal),
            1 => s.Replace(";", "", StringComparison.Ordinal)[..(s.Length / 2)],
            _ => s.Replace("int ", "Missing ", StringComparison.Ordinal),
        }).ToArray(),
    };

    // Compiles on every side, reports the times, and demands the same diagnostics, assembly and PDB from each.
    private byte[] CompileOnEachSide(Compilers compilers, SourceSet set, byte[][] references, bool optimize, bool concurrent)
    {
        var args = set.CompileArguments(references, optimize, concurrent);
        var results = compilers.All.Select(side => (Side: side, Result: CompileOn(side, args))).ToList();
        var original = results.Single(r => r.Side == compilers.Original).Result;
        var woven = results.Single(r => r.Side == compilers.Woven).Result;
        output.WriteLine($"{set.AssemblyName}: {set.Sources.Length} files, {set.Lines:N0} lines, {(optimize ? "release" : "debug")}, " +
                         $"{(concurrent ? "concurrent" : "one thread")}: {((byte[])original[0]).Length:N0} bytes; " +
                         string.Join(", ", results.Select(r => $"{r.Side.Label} {(double)r.Result[3]:F0} ms")) + Ratios(results, compilers));
        ((string)original[2]).Should().NotStartWith("FAILED", "the source set compiles");
        foreach (var (side, result) in results.Where(r => r.Side != compilers.Original))
        {
            ((string)result[2]).Should().Be((string)original[2], $"the {side.Label} compiler reports the same diagnostics");
            ((byte[])result[0]).Should().Equal((byte[])original[0], $"the {side.Label} compiler's assembly is byte-identical");
            ((byte[])result[1]).Should().Equal((byte[])original[1], $"the {side.Label} compiler's PDB is byte-identical");
        }
        return (byte[])woven[0];
    }

    private static object[] CompileOn(Side side, object?[] args)
    {
        try
        {
            return side.Call<object[]>(nameof(RoslynDriver), nameof(RoslynDriver.Compile), args);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"the {side.Label} compiler threw", e);
        }
    }

    private static string Ratios(List<(Side Side, object[] Result)> results, Compilers compilers)
    {
        double Time(Side side) => (double)results.Single(r => r.Side == side).Result[3];
        var ratios = $"; woven/shipped {Time(compilers.Woven) / Time(compilers.Original):F2}";
        return compilers.Rewritten == null ? ratios : ratios + $", woven/rewritten {Time(compilers.Woven) / Time(compilers.Rewritten):F2}";
    }

    /// <summary>
    /// The sides a compile runs on: woven Roslyn, the shipped one, and optionally the shipped one read and written
    /// by Cecil without weaving, the baseline that isolates what weaving costs.
    /// </summary>
    private sealed class Compilers : IDisposable
    {
        private Compilers(Subject[] woven, string[] unwoven, bool withRewrittenBaseline, bool collectible)
        {
            Woven = Side.With(true, woven, collectible, unwoven);
            Original = Side.With(false, woven, collectible, unwoven);
            Rewritten = withRewrittenBaseline ? Side.Rewritten(woven, collectible, unwoven) : null;
        }

        public Side Woven { get; }

        public Side Original { get; }

        public Side? Rewritten { get; }

        public IEnumerable<Side> All => Rewritten == null ? [Woven, Original] : [Woven, Rewritten, Original];

        /// <summary>
        /// Microsoft.CodeAnalysis (syntax, symbols' infrastructure, emit, PDBs) woven; the C# compiler on top of it
        /// unwoven, loaded into each side so that it binds to that side's core.
        /// </summary>
        public static Compilers CoreWoven(bool withRewrittenBaseline = false, bool collectible = false) =>
            new([Subjects.Get(Subjects.CodeAnalysis)], [Subjects.CodeAnalysisCSharp], withRewrittenBaseline, collectible);

        /// <summary>Both Roslyn assemblies woven.</summary>
        public static Compilers AllWoven() =>
            new([Subjects.Get(Subjects.CodeAnalysis), Subjects.Get(Subjects.CodeAnalysisCSharp)], [], withRewrittenBaseline: true, collectible: false);

        public void Dispose()
        {
            foreach (var side in All) side.Dispose();
        }
    }
}
