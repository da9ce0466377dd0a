using System.Reflection;
using System.Runtime.Loader;
using HotIL.Compilation;
using HotIL.Pipeline;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Tests.Support;

/// <summary>
/// A woven assembly loaded into the test process with the runtime's <see cref="ReloadPipeline"/> behind it,
/// minus the file watcher and the project's Roslyn session (sources are compiled by <see cref="TestCompiler"/>).
/// Each instance lives in its own collectible context.
/// </summary>
internal sealed class LiveProgram
{
    private const string Name = "Live";
    private readonly AssemblyLoadContext _context = new("live-program", isCollectible: true);
    private readonly ReloadPipeline _pipeline;

    public LiveProgram(string source, bool optimize = false, TimeSpan? gracePeriod = null)
    {
        Source = source;
        var (image, pdb) = TestCompiler.Compile(Name, source, optimize);
        ModuleSnapshot baseline;
        using (var compiled = Read(image, pdb)) baseline = ModuleSnapshot.Of(compiled);
        var woven = Read(image, pdb);
        Weave = AssemblyWeaver.Weave(woven, manifestPath: null);
        var (wovenImage, wovenPdb) = Write(woven);
        Assembly = _context.LoadFromStream(new MemoryStream(wovenImage), new MemoryStream(wovenPdb));
        var manifest = new Manifest
        {
            AssemblyName = Name, ProjectDirectory = "/src", CompilerArguments = [],
            Slots = Weave.Slots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
        };
        _pipeline = new ReloadPipeline(Assembly, Read(wovenImage, wovenPdb), manifest, baseline, gracePeriod ?? TimeSpan.FromHours(1));
    }

    public Assembly Assembly { get; }

    /// <summary>The source of the latest version given to <see cref="Edit"/> (or the first one).</summary>
    public string Source { get; private set; }

    public WeaveResult Weave { get; }

    public int Generation => _pipeline.Generation;

    /// <summary>Lambdas of the last edit whose delegates made before it keep their previous body.</summary>
    public IReadOnlyList<StaleClosure> Stale { get; private set; } = [];

    /// <summary>Compiles <paramref name="source"/> as the next version and applies it; returns the change set.</summary>
    public ChangeSet Edit(string source, bool optimize = false)
    {
        var changes = Apply(Compile(source, optimize), source: source);
        if (changes.CanApply) Source = source;
        return changes;
    }

    /// <summary>Replaces <paramref name="oldText"/>, which the current source must hold, by <paramref name="newText"/> and applies the result.</summary>
    public ChangeSet Edit(string oldText, string newText, bool optimize)
    {
        Source.Should().Contain(oldText);
        return Edit(Source.Replace(oldText, newText), optimize);
    }

    /// <summary>Compiles a version of the program without applying it.</summary>
    public static (byte[] Image, byte[] Pdb) Compile(string source, bool optimize = false) => TestCompiler.Compile(Name, source, optimize);

    /// <summary>Applies a compiled version as the next generation; returns the change set.</summary>
    /// <param name="version">The compiled image.</param>
    /// <param name="tamper">Changes the built patch before it is loaded.</param>
    /// <param name="source">The source <paramref name="version"/> was compiled from: its lambdas are matched to the running ones by it.</param>
    public ChangeSet Apply((byte[] Image, byte[] Pdb) version, Action<Patch>? tamper = null, string? source = null)
    {
        var compiled = _pipeline.Read(version.Image, version.Pdb);
        if (source != null)
        {
            var (before, after) = (Tree(Source), Tree(source));
            Stale = _pipeline.MatchLambdas(compiled, p => p == SourcePath ? before : null, p => p == SourcePath ? after : null);
        }
        var snapshot = _pipeline.Snapshot(compiled);
        var changes = _pipeline.Diff(snapshot);
        if (!changes.CanApply || changes.IsEmpty) return changes;
        var patch = _pipeline.BuildPatch(compiled, changes);
        tamper?.Invoke(patch);
        _pipeline.Apply(_pipeline.Load(patch), snapshot, DateTime.UtcNow);
        return changes;
    }

    /// <summary>Unloads retired generations whose grace period is over.</summary>
    public void Sweep(DateTime? now = null) => _pipeline.Retire(now ?? DateTime.UtcNow);

    public IReadOnlyList<GenerationInfo> Generations => _pipeline.Lifetime.All.Select(g => g.Describe(Name)).ToArray();

    public int CollectedGenerations => _pipeline.Lifetime.CollectedCount;

    public object? Call(string type, string method, params object?[] args) =>
        Invoke(TypeOf(type).GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!, null, args);

    public object? CallOn(object target, string method, params object?[] args) =>
        Invoke(target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!, target, args);

    public object New(string type, params object?[] args) => Activator.CreateInstance(TypeOf(type), args)!;

    public Type TypeOf(string type) => Assembly.GetType(type, throwOnError: true)!;

    private static object? Invoke(MethodInfo method, object? target, object?[] args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private const string SourcePath = "/src/Sample.cs";

    private static Microsoft.CodeAnalysis.SyntaxTree Tree(string source) =>
        Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest), SourcePath);

    private static ModuleDefinition Read(byte[] image, byte[] pdb) => ReloadPipeline.Read(image, pdb, resolver: null);

    private static (byte[], byte[]) Write(ModuleDefinition module)
    {
        var pe = new MemoryStream();
        var pdb = new MemoryStream();
        module.Write(pe, new WriterParameters { WriteSymbols = true, SymbolWriterProvider = new PortablePdbWriterProvider(), SymbolStream = pdb });
        return (pe.ToArray(), pdb.ToArray());
    }
}
