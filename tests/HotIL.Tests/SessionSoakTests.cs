using System.Diagnostics;
using System.Runtime.Loader;
using HotIL.Tests.Support;
using HotIL.Weaver;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit.Abstractions;
using HotIL.Pipeline;

namespace HotIL.Tests;

/// <summary>
/// Reloads through the real session (sources on disk, Roslyn, snapshot, diff, patch, load, apply, retire), as a
/// running program does, measuring what each reload leaves behind in the managed heap and the process.
/// </summary>
[Collection("lifetime")]
public sealed class SessionSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-session-").FullName;

    [Fact]
    public void Retired_generations_are_collected_without_the_program_collecting()
    {
        var (session, source) = StartSession();
        for (var i = 1; i <= 3 * Loading.GenerationTable.UnloadingBeforeCollection; i++) Reload(session, source, i);

        // The session asks for a collection once enough unloaded generations wait for one; nothing here collects.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && session.Generations.Count(g => g.State == GenerationState.Unloading) >= Loading.GenerationTable.UnloadingBeforeCollection)
            Thread.Sleep(100);
        var states = session.Generations.GroupBy(g => g.State).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", states.Select(s => $"{s.Key} {s.Value}")));
        session.Generations.Count(g => g.State == GenerationState.Unloading).Should().BeLessThan(Loading.GenerationTable.UnloadingBeforeCollection);
    }

    [SoakFact]
    public void Soak_ten_thousand_reloads_through_the_session_leave_the_heap_and_the_process_as_they_were() =>
        Soak(int.TryParse(Environment.GetEnvironmentVariable("HOTIL_SOAK_RELOADS"), out var n) ? n : 10_000, applied: true);

    // The control: the same compiles, snapshots and diffs, with nothing to load (the edits are comments).
    [SoakFact]
    public void Soak_a_thousand_compiles_with_nothing_to_apply() => Soak(1000, applied: false);

    private void Soak(int reloads, bool applied)
    {
        var (session, source) = StartSession();
        // The first few hundred reloads warm up the JIT's tiers and Roslyn's caches: measured from there.
        for (var i = 1; i <= Warm; i++) Reload(session, source, i, applied);
        var (heapBefore, rssBefore, committedBefore) = Measure();
        var clock = Stopwatch.StartNew();
        for (var i = Warm + 1; i <= Warm + reloads; i++)
        {
            Reload(session, source, i, applied);
            if ((i - Warm) % 1000 == 0)
            {
                using var process = Process.GetCurrentProcess();
                output.WriteLine($"after {i - Warm} reloads: RSS {process.WorkingSet64 / 1048576.0:0.0} MB, GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:0.0} MB");
            }
        }
        var elapsed = clock.Elapsed;
        var (heapAfter, rssAfter, committedAfter) = Measure();
        output.WriteLine($"{reloads} reloads ({(applied ? "applied" : "nothing to apply")}) in {elapsed.TotalSeconds:0.0} s; managed heap {heapBefore / 1024.0:0} → {heapAfter / 1024.0:0} KB " +
            $"({(heapAfter - heapBefore) / (double)reloads:0.0} bytes per reload); GC committed {committedBefore / 1048576.0:0.0} → {committedAfter / 1048576.0:0.0} MB; " +
            $"RSS {rssBefore / 1048576.0:0.0} → {rssAfter / 1048576.0:0.0} MB; " +
            $"generations {string.Join(", ", session.Generations.GroupBy(g => g.State).Select(g => $"{g.Key} {g.Count()}"))}");
        (heapAfter - heapBefore).Should().BeLessThan(Math.Max(1, reloads / 10_000) * 5L * 1024 * 1024, "10,000 reloads may grow the managed heap by 5 MB at most");
        (rssAfter - rssBefore).Should().BeLessThan(Math.Max(1, reloads / 10_000) * 50L * 1024 * 1024, "10,000 reloads may grow the process by 50 MB at most");
    }

    private const int Warm = 500;

    private static void Reload(ReloadSession session, string source, int i, bool applied = true)
    {
        File.WriteAllText(source, applied ? Variant(i) : Variant(0) + $"// {i}\n");
        var result = session.Reload([source]);
        result.Status.Should().Be(applied ? ReloadStatus.Applied : ReloadStatus.NoChanges, string.Join("\n", result.Diagnostics));
    }

    private static (long Heap, long Rss, long Committed) Measure()
    {
        for (var i = 0; i < 4; i++)
        {
            Thread.Sleep(1200);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    private static string Variant(int i) => $$"""
        using System;
        using System.Linq;
        namespace Soak;
        public static class Rules
        {
            public static int Next(int v) => v + {{i}};
            public static System.Func<int, int> Scale = x => x * {{i}};
            public static string Describe() => string.Join(",", new[] { 1, 2, 3 }.Select(x => x + {{i}}));
        }
        """;

    // A woven assembly on disk with its manifest and sources, as a build leaves it, registered as a session.
    private (ReloadSession Session, string Source) StartSession()
    {
        var source = Path.Combine(_directory, "Rules.cs");
        File.WriteAllText(source, Variant(0));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll").ToArray();
        var arguments = new[] { "/target:library", "/out:Soak.dll", "/debug:portable", "/nullable:enable" }
            .Concat(references.Select(r => "/reference:" + r)).Append("Rules.cs").ToArray();
        var (image, pdb) = TestCompiler.Compile("Soak", Variant(0), path: source);
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters
        {
            ReadSymbols = true, SymbolStream = new MemoryStream(pdb), SymbolReaderProvider = new PortablePdbReaderProvider(),
        });
        var weave = AssemblyWeaver.Weave(module, manifestPath: null);
        var path = Path.Combine(_directory, "Soak.dll");
        module.Write(path, new WriterParameters { WriteSymbols = true, SymbolWriterProvider = new PortablePdbWriterProvider() });
        var manifest = new Manifest
        {
            AssemblyName = "Soak", ProjectDirectory = _directory, CompilerArguments = arguments,
            Slots = weave.Slots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
        };
        var assembly = new AssemblyLoadContext("soak").LoadFromAssemblyPath(path);
        var session = new ReloadSession(assembly, manifest, line => output.WriteLine(line), TimeSpan.Zero);
        session.Ready.Wait();
        return (session, source);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
