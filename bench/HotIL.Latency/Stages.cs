using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using HotIL.Weaver.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Latency;

/// <summary>
/// Where a whole-project reload spends its time, replayed in the harness: the steps the runtime's
/// reload session took as of this harness (read every source to find the edit, replace the syntax tree,
/// run source generators, emit the whole assembly with its PDB, read it back with Cecil, snapshot
/// it, diff it against the last one), each timed on the same edit the live runs make. It does
/// not build or apply a patch, and it always compiles the whole project, so it is a reference for the
/// full-recompile path, not a copy of whatever the runtime does today.
/// </summary>
internal static class Stages
{
    public static StageTimes Measure(PreparedTarget target, int samples)
    {
        var directory = target.HotILDirectory;
        var manifestPath = Path.ChangeExtension(target.OutputAssembly(directory), ".hotil.json");
        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var arguments = manifest.RootElement.GetProperty("compilerArguments").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var parsed = CSharpCommandLineParser.Default.Parse(arguments, directory, System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(parsed.BaseDirectory!, path));

        var trees = parsed.SourceFiles.ToDictionary(f => f.Path, f => Parse(parsed, f.Path, File.ReadAllText(f.Path, Encoding.UTF8)));
        var options = parsed.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default);
        var compilation = CSharpCompilation.Create(parsed.CompilationName, trees.Values,
            parsed.MetadataReferences.Select(r => MetadataReference.CreateFromFile(Resolve(r.Reference), r.Properties)), options);
        var loader = new Loader();
        var generators = parsed.AnalyzerReferences
            .SelectMany(a => new AnalyzerFileReference(Resolve(a.FilePath), loader).GetGenerators(LanguageNames.CSharp))
            .ToArray();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: parsed.ParseOptions);
        var resolver = new DefaultAssemblyResolver();
        foreach (var reference in parsed.MetadataReferences.Select(r => Path.GetDirectoryName(Resolve(r.Reference))).Distinct())
            if (reference != null) resolver.AddSearchDirectory(reference);
        var emitOptions = parsed.EmitOptions.WithEmitMetadataOnly(false).WithDebugInformationFormat(DebugInformationFormat.PortablePdb);

        var clock = Stopwatch.StartNew();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
        var (pe, pdb) = Emit(generated, emitOptions);
        var coldEmit = clock.Elapsed.TotalMilliseconds;
        ModuleSnapshot previous;
        using (var module = Read(pe, pdb, resolver)) previous = ModuleSnapshot.Of(module);

        var edited = Path.GetFullPath(Path.Combine(directory, target.BodyEdit.File));
        var original = trees[edited].GetText().ToString();
        var times = new List<double[]>();
        for (var i = 1; i <= samples + 1; i++)
        {
            var step = new double[7];
            clock.Restart();
            // The runtime compares every source file on disk with the compiler's text to find the edit.
            foreach (var (path, tree) in trees)
                _ = File.ReadAllText(path, Encoding.UTF8) == tree.GetText().ToString();
            step[0] = Lap(clock);
            var tree2 = Parse(parsed, edited, target.BodyEdit.WithToken(original, Edits.Token(9000 + i)));
            compilation = compilation.ReplaceSyntaxTree(trees[edited], tree2);
            trees[edited] = tree2;
            step[1] = Lap(clock);
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out generated, out _);
            step[2] = Lap(clock);
            (pe, pdb) = Emit(generated, emitOptions);
            step[3] = Lap(clock);
            using var module = Read(pe, pdb, resolver);
            step[4] = Lap(clock);
            var snapshot = ModuleSnapshot.Of(module);
            step[5] = Lap(clock);
            var changes = ModuleDiff.Compare(previous, snapshot);
            step[6] = Lap(clock);
            if (changes.Changed.Count == 0) throw new InvalidOperationException("the replayed edit changed no method");
            previous = snapshot;
            if (i > 1) times.Add(step); // the first warm round still JITs the harness's own code paths
        }
        double Median(int index) => Tools.Median(times.Select(t => t[index]).ToArray());
        return new StageTimes(times.Count, Median(0), Median(1), Median(2), Median(3), Median(4), Median(5), Median(6), coldEmit);
    }

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return elapsed;
    }

    private static SyntaxTree Parse(CSharpCommandLineArguments arguments, string path, string text) =>
        CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8, SourceHashAlgorithm.Sha256), arguments.ParseOptions, path);

    private static (byte[] Pe, byte[] Pdb) Emit(Compilation compilation, EmitOptions options)
    {
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: options);
        if (!result.Success)
            throw new InvalidOperationException("the project did not compile in the harness:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        return (pe.ToArray(), pdb.ToArray());
    }

    private static ModuleDefinition Read(byte[] pe, byte[] pdb, IAssemblyResolver resolver) =>
        ModuleDefinition.ReadModule(new MemoryStream(pe), new ReaderParameters
        {
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = true,
            SymbolStream = new MemoryStream(pdb),
            SymbolReaderProvider = new PortablePdbReaderProvider(),
            AssemblyResolver = resolver,
        });

    /// <summary>Loads source generators into their own context; Roslyn itself resolves to the harness's copy.</summary>
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        private readonly Dictionary<string, string> _locations = new(StringComparer.OrdinalIgnoreCase);
        private readonly Context _context;

        public Loader() => _context = new Context(_locations);

        public void AddDependencyLocation(string fullPath)
        {
            lock (_locations) _locations[Path.GetFileNameWithoutExtension(fullPath)] = fullPath;
        }

        public Assembly LoadFromPath(string fullPath)
        {
            AddDependencyLocation(fullPath);
            return _context.LoadFromAssemblyPath(fullPath);
        }

        private sealed class Context(Dictionary<string, string> locations) : AssemblyLoadContext("latency-generators")
        {
            protected override Assembly? Load(AssemblyName name)
            {
                if (name.Name is null || name.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)) return null;
                string? path;
                lock (locations) locations.TryGetValue(name.Name, out path);
                return path != null && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }
}
