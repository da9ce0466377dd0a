using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using HotIL.Compilation;
using HotIL.Loading;
using HotIL.Reporting;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL;

/// <summary>
/// Reloads one woven assembly: compile → diff → build patch → load → apply. One reload runs at a
/// time; every stage before the slot writes may fail and then nothing has changed.
/// </summary>
internal sealed class ReloadSession
{
    private readonly object _gate = new();
    private readonly Assembly _original;
    private readonly Manifest _manifest;
    private readonly Action<string> _log;
    private readonly GenerationTable _lifetime;
    private readonly Timer _sweeper;
    private ProjectCompiler _compiler = null!;
    private SourceSet _sources = null!;
    private LoadedWorld _world = null!;
    private ModuleSnapshot _applied = null!;
    // IDs of what stopped the last attempt (compile errors, rude edits); empty when the sources were accepted.
    private string[] _unresolved = [];
    private DefaultAssemblyResolver _resolver = null!;
    private readonly Lazy<Task> _ready;

    public ReloadSession(Assembly original, Manifest manifest, Action<string> log, TimeSpan gracePeriod)
    {
        _original = original;
        _manifest = manifest;
        _log = log;
        _lifetime = new GenerationTable(gracePeriod);
        _sweeper = new Timer(_ => Sweep());
        // The baseline edits are measured against is the sources the program was built from, embedded in its PDB, so
        // nothing is read or parsed until a reload is asked for or watching starts (a test host pays nothing).
        _ready = new Lazy<Task>(() => Task.Run(() => WarmUp(new ProjectCompiler(_manifest, _log, BuiltSources.Read(_original.Location)))));
    }

    /// <summary>How long a generation nothing points into stays loaded before it is unloaded.</summary>
    public TimeSpan GracePeriod
    {
        get { lock (_gate) return _lifetime.GracePeriod; }
        set { lock (_gate) _lifetime.GracePeriod = value; }
    }

    /// <summary>The applied generations of this assembly and where each is in its lifetime.</summary>
    public IReadOnlyList<GenerationInfo> Generations
    {
        get { lock (_gate) return _lifetime.All.Select(g => g.Describe(Name)).ToArray(); }
    }

    /// <summary>
    /// Completes when the first compile (Roslyn's slow, cold one) has run in the background. The first
    /// access starts it: a session that is watched starts it at once, one that only reloads on request
    /// costs nothing until then.
    /// </summary>
    public Task Ready => _ready.Value;

    public string Name => _manifest.AssemblyName;

    /// <summary>The build's record of the assembly.</summary>
    public Manifest Manifest => _manifest;

    /// <summary>The woven assembly this session reloads.</summary>
    public Assembly Program => _original;

    public string ProjectDirectory => _manifest.ProjectDirectory;

    public int Generation { get; private set; } = 1;

    public SourceSet Sources => _sources;

    private void WarmUp(ProjectCompiler compiler)
    {
        var clock = Stopwatch.StartNew();
        _compiler = compiler;
        _sources = new SourceSet(_manifest.ProjectDirectory, _compiler.SourcePaths, File.GetLastWriteTimeUtc(_original.Location), _compiler.InputPaths);
        _resolver = new DefaultAssemblyResolver();
        foreach (var directory in _compiler.ReferencePaths.Select(Path.GetDirectoryName).Distinct())
            if (directory != null) _resolver.AddSearchDirectory(directory);
        var woven = ModuleDefinition.ReadModule(_original.Location, new ReaderParameters { InMemory = true, AssemblyResolver = _resolver });
        _world = new LoadedWorld(_original, woven, _manifest);
        var first = _compiler.Emit();
        if (!first.Succeeded)
            throw new InvalidOperationException("the project's sources did not compile at start-up:" + Environment.NewLine + string.Join(Environment.NewLine, first.Errors));
        using (var module = Read(first)) _applied = ModuleSnapshot.Of(module);
        _compiler.Accept();
        var firstCompile = clock.ElapsedMilliseconds;
        _compiler.WarmUpPartialCompiles();
        _log($"{Name}: ready to reload ({_compiler.SourcePaths.Count} files, first compile {firstCompile} ms, ready in {clock.ElapsedMilliseconds} ms)");
    }

    /// <summary>Whether any source on disk differs from what the running program was built from or last reloaded.</summary>
    public bool HasUnappliedSources()
    {
        lock (_gate) return _sources.Changes(_compiler).Count > 0;
    }

    /// <summary>Brings the running program in line with the sources on disk.</summary>
    /// <param name="touched">The only source paths that can have changed (from the file watcher), or null to compare every file.</param>
    /// <param name="installed">Called right after a new generation's slot writes, before anything else can reload.</param>
    public ReloadResult Reload(IReadOnlyCollection<string>? touched = null, Action? installed = null)
    {
        Ready.GetAwaiter().GetResult();
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                return ReloadLocked(clock, touched, installed);
            }
            catch (Exception e)
            {
                _unresolved = [RuntimeMessages.PatchFailedId];
                return new ReloadResult(Name, ReloadStatus.Failed, Generation, clock.Elapsed)
                {
                    Diagnostics = [$"error {RuntimeMessages.PatchFailedId}: building or loading the patch failed: {e}"],
                };
            }
        }
    }

    private ReloadResult ReloadLocked(Stopwatch clock, IReadOnlyCollection<string>? touched, Action? installed)
    {
        var edits = _sources.Changes(_compiler, touched);
        // After a rejected or failed attempt the compiler holds sources the program does not run: try them again.
        if (edits.Count == 0 && _unresolved.Length == 0) return new ReloadResult(Name, ReloadStatus.NoChanges, Generation, clock.Elapsed);
        foreach (var (path, text) in edits) _compiler.Update(path, text);
        var stages = new StageClock();

        var compiled = _compiler.Emit();
        stages.Lap("compile", compiled.CompiledInFull is { } inFull
            ? $"{inFull.Count} of {_compiler.SourcePaths.Count} files in full, {compiled.FilesCompiled - inFull.Count} as declarations"
            : "every file in full");
        if (!compiled.Succeeded) return NotApplied(ReloadStatus.CompileFailed, compiled.Errors, ProblemIds(compiled.Errors), clock, stages);

        var module = Read(compiled);
        stages.Lap("read");
        var stale = LambdaMatcher.Canonicalize(module, _applied, Generation + 1, _compiler.AcceptedTree, compiled.Trees.GetValueOrDefault);
        stages.Lap("match lambdas");
        var snapshot = compiled.CompiledInFull == null ? ModuleSnapshot.Of(module) : ModuleSnapshot.OfPartial(module, _applied, compiled.CompiledInFull);
        stages.Lap("snapshot");
        var changes = ModuleDiff.Compare(_applied, snapshot);
        stages.Lap("diff");
        var warnings = changes.Warnings.Select(w => Format("warning", w.Id, w.TypeFullName, w.MemberName, w.Message))
            .Concat(stale.Select(s => Describe(s, snapshot))).ToArray();
        if (!changes.CanApply)
        {
            var errors = changes.RudeEdits.Select(r => Format("error", r.Id, r.TypeFullName, r.MemberName, r.Message)).ToArray();
            return NotApplied(ReloadStatus.Rejected, [.. errors, .. warnings], changes.RudeEdits.Select(r => r.Id), clock, stages);
        }
        var needRestart = changes.Warnings.Where(w => w.NeedsRestart).Select(Subject).Distinct().ToArray();
        var resolved = _unresolved.ToArray();
        if (changes.IsEmpty)
        {
            Accept(snapshot);
            return new ReloadResult(Name, ReloadStatus.NoChanges, Generation, clock.Elapsed)
                { Diagnostics = warnings, NeedRestart = needRestart, Resolved = resolved, Stages = stages.Laps };
        }

        var patch = PatchBuilder.Build(module, changes, _world, Generation + 1);
        stages.Lap("patch");
        warnings = [.. warnings, .. patch.Warnings.Select(w => Format("warning", w.Id, w.TypeFullName, w.MemberName, w.Message))];
        Apply(patch);
        Generation = patch.Generation;
        installed?.Invoke();
        var removed = changes.Removed.Select(k => MemberNames.Of(k, _applied.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray();
        Accept(snapshot);
        stages.Lap("apply");
        return new ReloadResult(Name, ReloadStatus.Applied, Generation, clock.Elapsed)
        {
            ChangedMethods = changes.Changed.Select(k => MemberNames.Of(k, snapshot.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray(),
            AddedMethods = changes.Added.Select(k => MemberNames.Of(k, snapshot.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray(),
            RemovedMethods = removed,
            AddedTypes = changes.AddedTypes.Select(t => t.Replace('/', '.')).ToArray(),
            UpdatedTypes = ChangedTypes.Resolve(changes, _world.Assemblies.Values),
            Diagnostics = warnings,
            NeedRestart = needRestart,
            Resolved = resolved,
            Stages = stages.Laps,
        };
    }

    // The program keeps running what it ran; the IDs are remembered so that a later attempt can say they are resolved.
    private ReloadResult NotApplied(ReloadStatus status, IReadOnlyList<string> diagnostics, IEnumerable<string> ids, Stopwatch clock, StageClock stages)
    {
        var problems = ids.Distinct().Order(StringComparer.Ordinal).ToArray();
        var repeated = problems.Length > 0 && problems.SequenceEqual(_unresolved);
        _unresolved = problems;
        return new ReloadResult(Name, status, Generation, clock.Elapsed) { Diagnostics = diagnostics, Repeated = repeated, Stages = stages.Laps };
    }

    // "Program.cs(9,60): error CS1002: ; expected" → CS1002.
    private static IEnumerable<string> ProblemIds(IEnumerable<string> errors) =>
        errors.Select(e => e.Split(": error ", 2) is [_, var rest] ? rest.Split(':')[0] : "error");

    // What a warning is about, as the user names it: Shop.Cart.Total(int), Shop.Prices.Rate, the static constructor of Shop.Prices.
    private static string Subject(EditWarning warning)
    {
        var type = warning.TypeFullName.Replace('/', '.');
        return warning.MemberName switch
        {
            null => type,
            ".cctor" => "the static constructor of " + type,
            var member when member.StartsWith('<') && member.EndsWith(">k__BackingField", StringComparison.Ordinal) => type + "." + member[1..member.IndexOf('>')],
            var member => type + "." + member,
        };
    }

    // The running program now matches these sources: later edits are diffed against them.
    private void Accept(ModuleSnapshot snapshot)
    {
        _applied = snapshot.Succeeding(_applied);
        _unresolved = [];
        _compiler.Accept();
    }

    private void Apply(Patch patch)
    {
        var programContext = AssemblyLoadContext.GetLoadContext(_original) ?? AssemblyLoadContext.Default;
        var (context, repointed) = PatchApplier.Apply(patch, _world, programContext);
        _lifetime.Applied(patch, context, repointed, DateTime.UtcNow);
        SweepLocked();
    }

    private void Sweep()
    {
        lock (_gate) SweepLocked();
    }

    // Runs after every reload and then on a timer while a generation is retiring or unloading.
    private void SweepLocked()
    {
        _lifetime.Sweep(DateTime.UtcNow);
        // Unloaded generations free their code only when the collector runs; an app that rarely collects would keep them all.
        if (_lifetime.CollectionDue(DateTime.UtcNow)) ThreadPool.QueueUserWorkItem(_ => CollectRetired());
        var pending = _lifetime.All.Any(g => g.RetiredAt != null && !g.IsCollected);
        _sweeper.Change(pending ? _lifetime.GracePeriod + TimeSpan.FromMilliseconds(50) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void CollectRetired()
    {
        // Two collections: the first finds the unloaded contexts unreachable, their finalizers free the code, the second the rest.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Sweep();
    }

    private ModuleDefinition Read(CompileResult compiled) =>
        ModuleDefinition.ReadModule(new MemoryStream(compiled.Assembly!), new ReaderParameters
        {
            ReadingMode = ReadingMode.Immediate,
            ReadSymbols = true,
            SymbolStream = new MemoryStream(compiled.Pdb!),
            SymbolReaderProvider = new PortablePdbReaderProvider(),
            AssemblyResolver = _resolver,
        });

    // A matched lambda whose new body cannot serve the delegates made before the edit.
    private static string Describe(StaleClosure stale, ModuleSnapshot snapshot)
    {
        var text = $"warning {RuntimeMessages.StaleClosureId}: delegates created before this edit keep running the previous body of " +
            $"{MemberNames.Of(stale.Previous)} because {stale.Reason}; delegates created from now on run the new body";
        return stale.Where == null ? text : $"{stale.Where}: {text}";
    }

    private string Format(string severity, string id, string type, string? member, string message)
    {
        var place = SourceLocator.Locate(_compiler.Compilation, type, member);
        return place == null ? $"{severity} {id}: {message}" : $"{place}: {severity} {id}: {message}";
    }

    /// <summary>Times consecutive steps of one reload.</summary>
    private sealed class StageClock
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<ReloadStage> _laps = [];

        public IReadOnlyList<ReloadStage> Laps => _laps;

        public void Lap(string name, string? detail = null)
        {
            _laps.Add(new ReloadStage(name, _clock.Elapsed, detail));
            _clock.Restart();
        }
    }
}
