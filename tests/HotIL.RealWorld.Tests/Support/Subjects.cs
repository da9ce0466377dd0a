using System.Collections.Concurrent;
using System.Diagnostics;
using HotIL.Weaver;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.RealWorld.Tests.Support;

/// <summary>How long each step of weaving one assembly took.</summary>
public sealed record WeaveTiming(TimeSpan Read, TimeSpan Weave, TimeSpan Write)
{
    public TimeSpan Total => Read + Weave + Write;

    public override string ToString() =>
        $"{Total.TotalMilliseconds:F0} ms (read {Read.TotalMilliseconds:F0}, weave {Weave.TotalMilliseconds:F0}, write {Write.TotalMilliseconds:F0})";
}

/// <summary>One assembly from a NuGet package, as shipped and as woven in memory (no runtime registration).</summary>
internal sealed record Subject(
    string Name,
    byte[] Original,
    byte[]? OriginalPdb,
    byte[] Woven,
    byte[]? WovenPdb,
    WeaveResult Result,
    WeaveTiming Timing,
    IReadOnlyList<string> OriginalReferences,
    IReadOnlyList<string> WovenReferences)
{
    private readonly Lazy<byte[]> _rewritten = new(() => Subjects.RoundTrip(Original));

    /// <summary>The shipped image read and written by Cecil without weaving, as <see cref="Woven"/> is but for the weaving.</summary>
    public byte[] Rewritten => _rewritten.Value;

    public int WovenMethods => Result.Slots.Count + Result.GenericSlots.Count;

    public string Describe() =>
        $"{Name}.dll: {Original.Length:N0} bytes → {Woven.Length:N0} woven; {Result.Slots.Count:N0} plain + {Result.GenericSlots.Count:N0} generic slots, " +
        $"{Result.Skipped.Count:N0} skipped; weave {Timing}";
}

/// <summary>
/// The assemblies under test, read from the output folder (the project references their packages) and
/// woven once per test run. <see cref="WeaveFresh"/> weaves again, for timing.
/// </summary>
internal static class Subjects
{
    public const string NewtonsoftJson = "Newtonsoft.Json";
    public const string MonoCecil = "Mono.Cecil";
    public const string MonoCecilRocks = "Mono.Cecil.Rocks";
    public const string CodeAnalysis = "Microsoft.CodeAnalysis";
    public const string CodeAnalysisCSharp = "Microsoft.CodeAnalysis.CSharp";

    private static readonly ConcurrentDictionary<string, Lazy<Subject>> Cache = new();

    /// <summary>The subject named <paramref name="name"/>, woven on first use.</summary>
    public static Subject Get(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<Subject>(() => WeaveFresh(n), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The path of the shipped assembly in the output folder.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    /// <summary>Reads, weaves and writes <paramref name="name"/> as the build's weaving step does, minus registration.</summary>
    public static Subject WeaveFresh(string name)
    {
        var path = PathOf(name);
        var pdbPath = Path.ChangeExtension(path, ".pdb");
        var original = File.ReadAllBytes(path);
        var originalPdb = File.Exists(pdbPath) ? File.ReadAllBytes(pdbPath) : null;

        var clock = Stopwatch.StartNew();
        using var module = Read(original, originalPdb);
        var read = clock.Elapsed;
        clock.Restart();
        var result = AssemblyWeaver.Weave(module, manifestPath: null);
        var weave = clock.Elapsed;
        clock.Restart();
        var (woven, wovenPdb) = Write(module, withSymbols: originalPdb != null);
        var write = clock.Elapsed;

        return new Subject(name, original, originalPdb, woven, wovenPdb, result, new WeaveTiming(read, weave, write),
            ReferencesOf(original), ReferencesOf(woven));
    }

    /// <summary><paramref name="image"/> read and written again, unwoven.</summary>
    public static byte[] RoundTrip(byte[] image)
    {
        using var module = Read(image, pdb: null);
        return Write(module, withSymbols: false).Image;
    }

    public static ModuleDefinition Read(byte[] image, byte[]? pdb) =>
        ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters
        {
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = pdb != null,
            SymbolReaderProvider = pdb != null ? new PortablePdbReaderProvider() : null,
            SymbolStream = pdb != null ? new MemoryStream(pdb) : null,
        });

    public static (byte[] Image, byte[]? Pdb) Write(ModuleDefinition module, bool withSymbols)
    {
        var image = new MemoryStream();
        var pdb = withSymbols ? new MemoryStream() : null;
        module.Write(image, new WriterParameters
        {
            DeterministicMvid = true,
            WriteSymbols = withSymbols,
            SymbolWriterProvider = withSymbols ? new PortablePdbWriterProvider() : null,
            SymbolStream = pdb,
        });
        return (image.ToArray(), pdb?.ToArray());
    }

    private static IReadOnlyList<string> ReferencesOf(byte[] image)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        return module.AssemblyReferences.Select(r => r.Name).ToArray();
    }
}
