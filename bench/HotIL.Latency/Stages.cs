using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using HotIL.Pipeline;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using Mono.Cecil;

namespace HotIL.Latency;

/// <summary>
/// Where a whole-project reload spends its time, replayed in the harness on the same edit the live runs make:
/// the compile of the whole project (read every source to find the edit, replace the syntax tree, run source
/// generators, emit the assembly with its PDB), then the runtime's own <see cref="ReloadPipeline"/> on the woven
/// program loaded into the harness (Cecil read, lambda matching, snapshot, diff, patch, load, apply). The compile
/// is always the whole project, so this is a reference for the full-recompile path; a runtime that compiles less
/// (partial compiles) does less of the compile columns.
/// </summary>
internal static class Stages
{
    public static StageTimes Measure(PreparedTarget target, int samples)
    {
        var directory = target.HotILDirectory;
        var programPath = target.OutputAssembly(directory);
        var manifest = Manifest.FromJson(File.ReadAllText(Path.ChangeExtension(programPath, ".hotil.json")));
        var parsed = CSharpCommandLineParser.Default.Parse(manifest.CompilerArguments, directory, System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
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
        ModuleSnapshot baseline;
        using (var module = ReloadPipeline.Read(pe, pdb, resolver)) baseline = ModuleSnapshot.Of(module);
        // The woven program as the running one has it, never run: applying a patch writes its slots all the same.
        var context = new ProgramContext(Path.GetDirectoryName(programPath)!);
        var program = context.LoadFromAssemblyPath(programPath);
        var woven = ModuleDefinition.ReadModule(programPath, new ReaderParameters { InMemory = true, AssemblyResolver = resolver });
        var pipeline = new ReloadPipeline(program, woven, manifest, baseline, TimeSpan.Zero, resolver);
        var previousTrees = TreesByPath(generated);

        var edited = Path.GetFullPath(Path.Combine(directory, target.BodyEdit.File));
        var original = trees[edited].GetText().ToString();
        var times = new List<double[]>();
        for (var i = 1; i <= samples + 1; i++)
        {
            var step = new double[Stage.Count];
            clock.Restart();
            // The runtime compares every source file on disk with the compiler's text to find the edit.
            foreach (var (path, tree) in trees)
                _ = File.ReadAllText(path, Encoding.UTF8) == tree.GetText().ToString();
            step[Stage.ReadSources] = Lap(clock);
            var tree2 = Parse(parsed, edited, target.BodyEdit.WithToken(original, Edits.Token(9000 + i)));
            compilation = compilation.ReplaceSyntaxTree(trees[edited], tree2);
            trees[edited] = tree2;
            step[Stage.UpdateTree] = Lap(clock);
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out generated, out _);
            step[Stage.Generators] = Lap(clock);
            (pe, pdb) = Emit(generated, emitOptions);
            step[Stage.Emit] = Lap(clock);

            var module = pipeline.Read(pe, pdb);
            step[Stage.CecilRead] = Lap(clock);
            var currentTrees = TreesByPath(generated);
            pipeline.MatchLambdas(module, previousTrees.GetValueOrDefault, currentTrees.GetValueOrDefault);
            step[Stage.MatchLambdas] = Lap(clock);
            var snapshot = pipeline.Snapshot(module);
            step[Stage.Snapshot] = Lap(clock);
            var changes = pipeline.Diff(snapshot);
            step[Stage.Diff] = Lap(clock);
            if (changes.Changed.Count == 0 || !changes.CanApply) throw new InvalidOperationException("the replayed edit changed no method, or cannot be applied");
            var patch = pipeline.BuildPatch(module, changes);
            step[Stage.Patch] = Lap(clock);
            var loaded = pipeline.Load(patch);
            step[Stage.Load] = Lap(clock);
            pipeline.Apply(loaded, snapshot, DateTime.UtcNow);
            step[Stage.Apply] = Lap(clock);
            pipeline.Retire(DateTime.UtcNow);
            previousTrees = currentTrees;
            if (i > 1) times.Add(step); // the first warm round still JITs the harness's own code paths
        }
        double Median(int index) => Tools.Median(times.Select(t => t[index]).ToArray());
        return new StageTimes(times.Count, Enumerable.Range(0, Stage.Count).Select(Median).ToArray(), coldEmit);
    }

    private static Dictionary<string, SyntaxTree> TreesByPath(Microsoft.CodeAnalysis.Compilation compilation) =>
        compilation.SyntaxTrees.Where(t => t.FilePath.Length > 0).GroupBy(t => t.FilePath).ToDictionary(g => g.Key, g => g.First());

    private static double Lap(Stopwatch clock)
    {
        var elapsed = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return elapsed;
    }

    private static SyntaxTree Parse(CSharpCommandLineArguments arguments, string path, string text) =>
        CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8, SourceHashAlgorithm.Sha256), arguments.ParseOptions, path);

    private static (byte[] Pe, byte[] Pdb) Emit(Microsoft.CodeAnalysis.Compilation compilation, EmitOptions options)
    {
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: options);
        if (!result.Success)
            throw new InvalidOperationException("the project did not compile in the harness:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        return (pe.ToArray(), pdb.ToArray());
    }

    /// <summary>
    /// The program's own context: its assembly and anything beside it, except HotIL's runtime, which must be the
    /// harness's (the pipeline and the program's registry have to agree on one copy).
    /// </summary>
    private sealed class ProgramContext(string directory) : AssemblyLoadContext("latency-program", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is null || name.Name.StartsWith("HotIL.", StringComparison.Ordinal)) return null;
            var path = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

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
