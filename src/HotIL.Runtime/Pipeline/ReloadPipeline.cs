using System.Reflection;
using System.Runtime.Loader;
using HotIL.Compilation;
using HotIL.Loading;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Microsoft.CodeAnalysis;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Pipeline;

/// <summary>
/// The stages of a reload after the compiler, over the baseline the running program was last brought to:
/// read → match lambdas → snapshot → diff → build patch → load → apply → retire. Each stage takes what the one
/// before it returned. Everything up to <see cref="Load"/> may fail and leaves the program and the baseline as
/// they were; <see cref="Apply"/> cannot fail. Not thread-safe: one reload at a time.
/// </summary>
internal sealed class ReloadPipeline
{
    private readonly AssemblyLoadContext _programContext;
    private readonly IAssemblyResolver? _resolver;

    /// <param name="program">The woven assembly as loaded.</param>
    /// <param name="woven">The same assembly read by Cecil.</param>
    /// <param name="manifest">The build's record of it (its slots).</param>
    /// <param name="baseline">What the running program was compiled from.</param>
    /// <param name="gracePeriod">How long a generation nothing points into stays loaded.</param>
    /// <param name="resolver">Resolves the references of compiled images, or null for Cecil's default.</param>
    public ReloadPipeline(Assembly program, ModuleDefinition woven, Manifest manifest, ModuleSnapshot baseline, TimeSpan gracePeriod, IAssemblyResolver? resolver = null)
    {
        _programContext = AssemblyLoadContext.GetLoadContext(program) ?? AssemblyLoadContext.Default;
        _resolver = resolver;
        World = new LoadedWorld(program, woven, manifest);
        Lifetime = new GenerationTable(gracePeriod);
        Applied = baseline;
    }

    /// <summary>The generation the program runs: 1 as built, one more per applied patch.</summary>
    public int Generation { get; private set; } = 1;

    /// <summary>The code the program runs, as later edits are compared with it.</summary>
    public ModuleSnapshot Applied { get; private set; }

    /// <summary>Where every loaded type, method and slot is.</summary>
    public LoadedWorld World { get; }

    /// <summary>Which generation each slot points into, and the retirement of the others.</summary>
    public GenerationTable Lifetime { get; }

    /// <summary>Reads a compiled image and its portable PDB.</summary>
    public ModuleDefinition Read(byte[] image, byte[] pdb) => Read(image, pdb, _resolver);

    /// <summary>Reads a compiled image and its portable PDB, resolving its references with <paramref name="resolver"/>.</summary>
    public static ModuleDefinition Read(byte[] image, byte[] pdb, IAssemblyResolver? resolver) =>
        ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters
        {
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = true,
            SymbolStream = new MemoryStream(pdb),
            SymbolReaderProvider = new PortablePdbReaderProvider(),
            AssemblyResolver = resolver,
        });

    /// <summary>Gives the compiled lambdas and closures the names of the running ones they are edits of.</summary>
    /// <param name="module">The compiled module; renamed in place.</param>
    /// <param name="previousTree">The syntax tree the running code was compiled from, by path.</param>
    /// <param name="currentTree">The syntax tree <paramref name="module"/> was compiled from, by path.</param>
    /// <returns>Lambdas whose delegates made before this edit cannot run their new body.</returns>
    public IReadOnlyList<StaleClosure> MatchLambdas(ModuleDefinition module, Func<string, SyntaxTree?> previousTree, Func<string, SyntaxTree?> currentTree) =>
        LambdaMatcher.Canonicalize(module, Applied, Generation + 1, previousTree, currentTree);

    /// <summary>The shape of the compiled code.</summary>
    /// <param name="module">The compiled module.</param>
    /// <param name="compiledInFull">For a partial compile, the files compiled with their bodies; null when every file was.</param>
    public ModuleSnapshot Snapshot(ModuleDefinition module, IReadOnlySet<string>? compiledInFull = null) =>
        compiledInFull == null ? ModuleSnapshot.Of(module) : ModuleSnapshot.OfPartial(module, Applied, compiledInFull);

    /// <summary>What changed between the running code and <paramref name="snapshot"/>, and whether it can be applied.</summary>
    public ChangeSet Diff(ModuleSnapshot snapshot) => ModuleDiff.Compare(Applied, snapshot);

    /// <summary>Turns the compiled module into the next generation's patch; the module is consumed.</summary>
    public Patch BuildPatch(ModuleDefinition module, ChangeSet changes) => PatchBuilder.Build(module, changes, World, Generation + 1);

    /// <summary>Loads <paramref name="patch"/> and resolves its slot writes; nothing the program runs changes.</summary>
    public LoadedPatch Load(Patch patch) => PatchLoader.Load(patch, World, _programContext);

    /// <summary>Installs a loaded patch: the program runs it from here on, and later edits are compared with <paramref name="snapshot"/>.</summary>
    public void Apply(LoadedPatch loaded, ModuleSnapshot snapshot, DateTime now)
    {
        var repointed = PatchApplier.Apply(loaded, World);
        Lifetime.Applied(loaded.Patch, loaded.Context, repointed, now);
        Generation = loaded.Patch.Generation;
        Accept(snapshot);
    }

    /// <summary>Makes <paramref name="snapshot"/> the baseline without a patch: the edit compiled to the running code.</summary>
    public void Accept(ModuleSnapshot snapshot) => Applied = snapshot.Succeeding(Applied);

    /// <summary>Unloads the generations retired longer than the grace period; returns them.</summary>
    public IReadOnlyList<Loading.Generation> Retire(DateTime now) => Lifetime.Sweep(now);
}
