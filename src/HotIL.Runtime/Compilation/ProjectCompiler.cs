using System.Collections.Immutable;
using System.Text;
using HotIL.Weaver;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace HotIL.Compilation;

/// <summary>The result of compiling the project: an image, or the errors that prevented one.</summary>
internal sealed record CompileResult(byte[]? Assembly, byte[]? Pdb, IReadOnlyList<string> Errors, TimeSpan Elapsed)
{
    public bool Succeeded => Assembly != null;

    /// <summary>
    /// For a compile of edited files only: the documents compiled in full (as the PDB names them).
    /// Members with line information in no other document are stubs here, and their last accepted
    /// shapes stand. Null when every file was compiled in full.
    /// </summary>
    public IReadOnlySet<string>? CompiledInFull { get; init; }

    /// <summary>How many files the compile held: the edited ones and those they depend on, or all of them.</summary>
    public int FilesCompiled { get; init; }

    /// <summary>The syntax trees the image was compiled from (stubs for files not compiled in full), by path.</summary>
    public IReadOnlyDictionary<string, SyntaxTree> Trees { get; init; } = new Dictionary<string, SyntaxTree>();
}

/// <summary>
/// Recompiles the project in process, exactly as the build did: Roslyn's own parser reads the
/// command line the build recorded (sources, references, defines, language version, nullable,
/// unsafe, analyzer config) and the build's source generators run again. The compilation is
/// kept between reloads and only edited syntax trees are replaced, so warm compiles reuse
/// everything that did not change.
/// </summary>
internal sealed class ProjectCompiler
{
    private readonly CSharpCommandLineArguments _arguments;
    private readonly Dictionary<string, SyntaxTree> _trees = new(StringComparer.Ordinal);
    private readonly GeneratorInputs _inputs;
    private CSharpCompilation _compilation;
    private GeneratorDriver _generators;
    private IReadOnlyList<SyntaxTree> _generated = [];
    private readonly EditScope _scope = new();
    // Razor pages and components: the generated tree that alone maps code to each, as last accepted.
    private Dictionary<string, SyntaxTree> _acceptedOwners = new(StringComparer.Ordinal);

    /// <param name="manifest">The build's record of the project.</param>
    /// <param name="warn">Where problems with the recorded command line or the generators go.</param>
    /// <param name="builtSources">The texts the running program was built from, by path; files without one (a build without
    /// embedded sources, a file with no code such as global usings) are read from disk.</param>
    public ProjectCompiler(Manifest manifest, Action<string> warn, IReadOnlyDictionary<string, string>? builtSources = null)
    {
        _arguments = CSharpCommandLineParser.Default.Parse(manifest.CompilerArguments, manifest.ProjectDirectory,
            System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        foreach (var error in _arguments.Errors.Where(d => d.Severity == DiagnosticSeverity.Error))
            warn($"the recorded command line has a problem: {error.GetMessage()}");

        foreach (var file in _arguments.SourceFiles)
            _trees[file.Path] = Parse(file.Path, builtSources?.GetValueOrDefault(file.Path) ?? ReadSource(file.Path));
        _compilation = CSharpCompilation.Create(_arguments.CompilationName, _trees.Values,
            _arguments.MetadataReferences.Select(r => MetadataReference.CreateFromFile(Resolve(r.Reference), r.Properties)),
            WithoutWarningsAsErrors(_arguments.CompilationOptions)
                // A strong-named project (key file, public or delay signing) is signed as the build did; without a provider
                // Roslyn in process cannot read a key file (CS7027). Relative key paths are relative to the project.
                .WithStrongNameProvider(new DesktopStrongNameProvider([_arguments.BaseDirectory!])));
        _inputs = new GeneratorInputs(_arguments.AdditionalFiles.Select(f => f.Path), _arguments.AnalyzerConfigPaths,
            path => builtSources?.GetValueOrDefault(path) ?? ReadInput(path));
        _generators = CreateGeneratorDriver(warn);
    }

    /// <summary>Paths of the source files the compilation holds.</summary>
    public IReadOnlyCollection<string> SourcePaths => _trees.Keys;

    /// <summary>
    /// Paths of every file the build's compile read: the sources, the additional files source generators read (Razor
    /// pages and components, a generator's .json or .txt input) and the analyzer config files (.editorconfig,
    /// .globalconfig) whose options generators see.
    /// </summary>
    public IReadOnlyCollection<string> InputPaths => [.. _trees.Keys, .. _inputs.Paths];

    /// <summary>Paths of the assemblies the project references (for resolving metadata).</summary>
    public IEnumerable<string> ReferencePaths => _arguments.MetadataReferences.Select(r => Resolve(r.Reference));

    /// <summary>The current compilation (without generated sources), for locating symbols.</summary>
    public CSharpCompilation Compilation => _compilation;

    /// <summary>Whether <paramref name="path"/> is one of the compilation's inputs (<see cref="InputPaths"/>).</summary>
    public bool Contains(string path) => _trees.ContainsKey(path) || _inputs.Contains(path);

    /// <summary>The text the compilation holds for <paramref name="path"/>, or null if the file is not part of it (or was deleted).</summary>
    public string? TextOf(string path) => _trees.TryGetValue(path, out var tree) ? tree.GetText().ToString() : _inputs.TextOf(path);

    /// <summary>
    /// Replaces, adds (<paramref name="text"/> not null) or removes (null) one source file, or replaces or removes one
    /// additional file or analyzer config file: the next <see cref="Emit"/> reruns the generators on it.
    /// </summary>
    public void Update(string path, string? text)
    {
        if (_inputs.Contains(path))
        {
            _generators = _inputs.Update(_generators, path, text);
            return;
        }
        if (_trees.Remove(path, out var old))
        {
            _compilation = text == null
                ? _compilation.RemoveSyntaxTrees(old)
                : _compilation.ReplaceSyntaxTree(old, _trees[path] = Parse(path, text));
        }
        else if (text != null)
        {
            _compilation = _compilation.AddSyntaxTrees(_trees[path] = Parse(path, text));
        }
    }

    /// <summary>
    /// Runs the source generators and emits the project to memory: in full only the files edited since the last
    /// <see cref="Accept"/> and, for edits to declarations, the files that mention what they declare, the others as
    /// stubs (see <see cref="EditScope"/>); everything when that cannot be told.
    /// </summary>
    /// <param name="allowPartial">False to compile every file in full.</param>
    public CompileResult Emit(bool allowPartial = true)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _generators = _generators.RunGeneratorsAndUpdateCompilation(_compilation, out var withGenerated, out _);
        _generated = withGenerated.SyntaxTrees.Skip(_compilation.SyntaxTrees.Length).ToArray();

        var edited = allowPartial ? _scope.FilesToCompileInFull(_compilation.SyntaxTrees, _generated) : null;
        if (edited is { Count: > 0 })
        {
            var partial = EmitCompilation(_scope.WithInFull(edited), clock);
            // A stubbed compile that fails for a reason of its own must not hide a good edit: the full compile decides.
            if (partial.Succeeded)
                return partial with
                {
                    CompiledInFull = edited.Select(t => t.FilePath)
                        .Concat(MappedDocuments.OwnedBy(edited, withGenerated.SyntaxTrees))
                        .ToHashSet(StringComparer.Ordinal),
                };
        }
        return EmitCompilation(withGenerated, clock);
    }

    /// <summary>
    /// Marks the sources of the last <see cref="Emit"/> as the state the running program matches;
    /// later compiles may then stub every file not edited since.
    /// </summary>
    public void Accept()
    {
        _scope.Accept(_compilation, _generated);
        _acceptedOwners = MappedDocuments.SoleOwners(_generated);
    }

    /// <summary>
    /// The syntax tree of <paramref name="path"/> as the running program was compiled from it, or null. For a document
    /// that <c>#line</c> directives map code to (a Razor page), the generated tree that alone maps to it.
    /// </summary>
    public SyntaxTree? AcceptedTree(string path) =>
        _scope.Accepted(path) ?? (_acceptedOwners.TryGetValue(path, out var owner) ? _scope.Accepted(owner.FilePath) : null);

    /// <summary>Builds the stubs and their name index and emits one partial compile, so the first edit does not pay for them.</summary>
    public void WarmUpPartialCompiles()
    {
        if (_scope.CanCompilePartially) EmitCompilation(_scope.WithInFull([]), System.Diagnostics.Stopwatch.StartNew());
    }

    private CompileResult EmitCompilation(Microsoft.CodeAnalysis.Compilation compilation, System.Diagnostics.Stopwatch clock)
    {
        var pe = new MemoryStream();
        var pdb = new MemoryStream();
        var options = _arguments.EmitOptions
            .WithEmitMetadataOnly(false)
            .WithDebugInformationFormat(DebugInformationFormat.PortablePdb);
        var result = compilation.Emit(pe, pdb, options: options);
        if (result.Success)
            return new CompileResult(pe.ToArray(), pdb.ToArray(), [], clock.Elapsed)
            {
                FilesCompiled = compilation.SyntaxTrees.Count(),
                Trees = WithUnchangedMappedDocuments(compilation.SyntaxTrees.GroupBy(t => t.FilePath, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)),
            };
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        return new CompileResult(null, null, errors, clock.Elapsed);
    }

    // The PDB names a Razor file, not its generated C#, as the document of the page's lambdas: lambda matching finds the
    // generated tree under the Razor file's path. Only where the generated text is unchanged, since positions in the
    // PDB are the Razor file's; an edited page's lambdas stay unmatched, as they were.
    private Dictionary<string, SyntaxTree> WithUnchangedMappedDocuments(Dictionary<string, SyntaxTree> trees)
    {
        foreach (var (document, tree) in MappedDocuments.SoleOwners(trees.Values))
            if (!trees.ContainsKey(document) && _scope.Accepted(tree.FilePath) is { } accepted && accepted.GetText().ContentEquals(tree.GetText()))
                trees[document] = tree;
        return trees;
    }

    // Warnings promoted to errors do not block a live edit; the next build still enforces them.
    private static CSharpCompilationOptions WithoutWarningsAsErrors(CSharpCompilationOptions options) =>
        options
            .WithGeneralDiagnosticOption(options.GeneralDiagnosticOption == ReportDiagnostic.Error ? ReportDiagnostic.Default : options.GeneralDiagnosticOption)
            .WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.Where(o => o.Value != ReportDiagnostic.Error));

    private SyntaxTree Parse(string path, string text) =>
        CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8, SourceHashAlgorithm.Sha256), _arguments.ParseOptions, path);

    /// <summary>Reads a source file as the compiler would (UTF-8, BOM detected).</summary>
    public static string ReadSource(string path) => File.ReadAllText(path, Encoding.UTF8);

    // An input the build named may be gone by the time the program starts: generators then see it as missing.
    private static string? ReadInput(string path) => File.Exists(path) ? ReadSource(path) : null;

    private string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(_arguments.BaseDirectory!, path));

    private GeneratorDriver CreateGeneratorDriver(Action<string> warn)
    {
        var loader = new AnalyzerLoader();
        var generators = new List<ISourceGenerator>();
        foreach (var analyzer in _arguments.AnalyzerReferences) loader.AddDependencyLocation(Resolve(analyzer.FilePath));
        foreach (var analyzer in _arguments.AnalyzerReferences)
        {
            var reference = new AnalyzerFileReference(Resolve(analyzer.FilePath), loader);
            reference.AnalyzerLoadFailed += (_, e) => warn($"source generator {Path.GetFileName(analyzer.FilePath)} could not be loaded: {e.Message}");
            generators.AddRange(reference.GetGenerators(LanguageNames.CSharp));
        }
        return CSharpGeneratorDriver.Create(generators, _inputs.AdditionalTexts, _arguments.ParseOptions, _inputs.Options);
    }
}
