using System.Reflection;
using System.Runtime.Loader;
using HotIL.Compilation;
using HotIL.Loading;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Tests.Support;

/// <summary>
/// A woven assembly loaded into the test process with the real patch pipeline behind it
/// (snapshot → diff → patch builder → applier), minus the file watcher and Roslyn session.
/// Each instance lives in its own collectible context.
/// </summary>
internal sealed class LiveProgram
{
    private const string Name = "Live";
    private readonly AssemblyLoadContext _context = new("live-program", isCollectible: true);
    private readonly GenerationTable _lifetime;
    private readonly LoadedWorld _world;
    private ModuleSnapshot _applied;

    public LiveProgram(string source, bool optimize = false, TimeSpan? gracePeriod = null)
    {
        _lifetime = new GenerationTable(gracePeriod ?? TimeSpan.FromHours(1));
        Source = source;
        var (image, pdb) = TestCompiler.Compile(Name, source, optimize);
        using (var compiled = Read(image, pdb)) _applied = ModuleSnapshot.Of(compiled);
        var woven = Read(image, pdb);
        Weave = AssemblyWeaver.Weave(woven, manifestPath: null);
        var (wovenImage, wovenPdb) = Write(woven);
        Assembly = _context.LoadFromStream(new MemoryStream(wovenImage), new MemoryStream(wovenPdb));
        var manifest = new Manifest
        {
            AssemblyName = Name, ProjectDirectory = "/src", CompilerArguments = [],
            Slots = Weave.Slots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
        };
        _world = new LoadedWorld(Assembly, Read(wovenImage, wovenPdb), manifest);
    }

    public Assembly Assembly { get; }

    /// <summary>The source of the latest version given to <see cref="Edit"/> (or the first one).</summary>
    public string Source { get; private set; }

    public WeaveResult Weave { get; }

    public int Generation { get; private set; } = 1;

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
        var (image, pdb) = version;
        var compiled = Read(image, pdb);
        if (source != null)
        {
            var (before, after) = (Tree(Source), Tree(source));
            Stale = LambdaMatcher.Canonicalize(compiled, _applied, Generation + 1, p => p == SourcePath ? before : null, p => p == SourcePath ? after : null);
        }
        var snapshot = ModuleSnapshot.Of(compiled);
        var changes = ModuleDiff.Compare(_applied, snapshot);
        if (!changes.CanApply || changes.IsEmpty) return changes;
        var patch = PatchBuilder.Build(compiled, changes, _world, Generation + 1);
        tamper?.Invoke(patch);
        var (context, repointed) = PatchApplier.Apply(patch, _world, _context);
        _lifetime.Applied(patch, context, repointed, DateTime.UtcNow);
        _applied = snapshot.Succeeding(_applied);
        Generation = patch.Generation;
        return changes;
    }

    /// <summary>Unloads retired generations whose grace period is over.</summary>
    public void Sweep(DateTime? now = null) => _lifetime.Sweep(now ?? DateTime.UtcNow);

    public IReadOnlyList<GenerationInfo> Generations => _lifetime.All.Select(g => g.Describe(Name)).ToArray();

    public int CollectedGenerations => _lifetime.CollectedCount;

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

    private static ModuleDefinition Read(byte[] image, byte[] pdb) =>
        ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters
        {
            ReadingMode = ReadingMode.Immediate, ReadSymbols = true,
            SymbolStream = new MemoryStream(pdb), SymbolReaderProvider = new PortablePdbReaderProvider(),
        });

    private static (byte[], byte[]) Write(ModuleDefinition module)
    {
        var pe = new MemoryStream();
        var pdb = new MemoryStream();
        module.Write(pe, new WriterParameters { WriteSymbols = true, SymbolWriterProvider = new PortablePdbWriterProvider(), SymbolStream = pdb });
        return (pe.ToArray(), pdb.ToArray());
    }
}
