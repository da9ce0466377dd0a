using System.Diagnostics;
using System.Reflection;
using HotIL.Compilation;
using HotIL.Pipeline;
using HotIL.Reporting;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;
using HotIL.Handlers;
using HotIL.Watching;

namespace HotIL.Pipeline;

/// <summary>
/// Reloads one woven assembly when its sources change: finds the edits, compiles them, and runs the
/// result through the <see cref="ReloadPipeline"/>, timing each stage and turning the outcome into a
/// <see cref="ReloadResult"/>. One reload runs at a time; every stage before the slot writes may fail
/// and then nothing has changed.
/// </summary>
internal sealed class ReloadSession
{
    private readonly object _gate = new();
    private readonly Assembly _original;
    private readonly Manifest _manifest;
    private readonly Action<string> _log;
    private TimeSpan _gracePeriod;
    private readonly Timer _sweeper;
    private ProjectCompiler _compiler = null!;
    private SourceSet _sources = null!;
    private ReloadPipeline _pipeline = null!;
    // IDs of what stopped the last attempt (compile errors, rude edits); empty when the sources were accepted.
    private string[] _unresolved = [];
    private DefaultAssemblyResolver _resolver = null!;
    private readonly Lazy<Task> _ready;

    public ReloadSession(Assembly original, Manifest manifest, Action<string> log, TimeSpan gracePeriod)
    {
        _original = original;
        _manifest = manifest;
        _log = log;
        _gracePeriod = gracePeriod;
        _sweeper = new Timer(_ => Sweep());
        // The baseline edits are measured against is the sources the program was built from, embedded in its PDB, so
        // nothing is read or parsed until a reload is asked for or watching starts (a test host pays nothing).
        _ready = new Lazy<Task>(() => Task.Run(() => WarmUp(new ProjectCompiler(_manifest, _log, BuiltSources.Read(_original.Location)))));
    }

    /// <summary>How long a generation nothing points into stays loaded before it is unloaded.</summary>
    public TimeSpan GracePeriod
    {
        get { lock (_gate) return _gracePeriod; }
        set
        {
            lock (_gate)
            {
                _gracePeriod = value;
                if (_pipeline != null) _pipeline.Lifetime.GracePeriod = value;
            }
        }
    }

    /// <summary>The applied generations of this assembly and where each is in its lifetime.</summary>
    public IReadOnlyList<GenerationInfo> Generations
    {
        get
        {
            lock (_gate) return _pipeline == null ? [] : _pipeline.Lifetime.All.Select(g => g.Describe(Name)).ToArray();
        }
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

    public int Generation => _pipeline?.Generation ?? 1;

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
        var first = _compiler.Emit();
        if (!first.Succeeded)
            throw new InvalidOperationException("the project's sources did not compile at start-up:" + Environment.NewLine + string.Join(Environment.NewLine, first.Errors));
        ModuleSnapshot baseline;
        using (var module = ReloadPipeline.Read(first.Assembly!, first.Pdb!, _resolver)) baseline = ModuleSnapshot.Of(module);
        lock (_gate) _pipeline = new ReloadPipeline(_original, woven, _manifest, baseline, _gracePeriod, _resolver);
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
                _unresolved = [DiagnosticIds.PatchFailed];
                return new ReloadResult(Name, ReloadStatus.Failed, Generation, clock.Elapsed)
                {
                    Diagnostics = [$"error {DiagnosticIds.PatchFailed}: building or loading the patch failed: {e}"],
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
        if (!compiled.Succeeded) return NotApplied(ReloadStatus.CompileFailed, compiled.Errors, EditDiagnostics.CompilerErrorIds(compiled.Errors), clock, stages);

        var module = _pipeline.Read(compiled.Assembly!, compiled.Pdb!);
        stages.Lap("read");
        var stale = _pipeline.MatchLambdas(module, _compiler.AcceptedTree, compiled.Trees.GetValueOrDefault);
        stages.Lap("match lambdas");
        var snapshot = _pipeline.Snapshot(module, compiled.CompiledInFull);
        stages.Lap("snapshot");
        var changes = _pipeline.Diff(snapshot);
        stages.Lap("diff");

        var diagnostics = new EditDiagnostics(_compiler.Compilation);
        var warnings = changes.Warnings.Select(diagnostics.Warning).Concat(stale.Select(EditDiagnostics.Stale)).ToArray();
        if (!changes.CanApply)
            return NotApplied(ReloadStatus.Rejected, [.. changes.RudeEdits.Select(diagnostics.Error), .. warnings], changes.RudeEdits.Select(r => r.Id), clock, stages);
        var needRestart = changes.Warnings.Where(w => w.NeedsRestart).Select(EditDiagnostics.Subject).Distinct().ToArray();
        var resolved = _unresolved;
        if (changes.IsEmpty)
        {
            _pipeline.Accept(snapshot);
            AcceptSources();
            return new ReloadResult(Name, ReloadStatus.NoChanges, Generation, clock.Elapsed)
                { Diagnostics = warnings, NeedRestart = needRestart, Resolved = resolved, Stages = stages.Laps };
        }

        var patch = _pipeline.BuildPatch(module, changes);
        stages.Lap("patch");
        var loaded = _pipeline.Load(patch);
        stages.Lap("load");
        // Named as the running code has them: after the apply the baseline no longer holds removed methods.
        var removed = changes.Removed.Select(k => MemberNames.Of(k, _pipeline.Applied.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray();
        _pipeline.Apply(loaded, snapshot, DateTime.UtcNow);
        installed?.Invoke();
        AcceptSources();
        SweepLocked();
        stages.Lap("apply");
        return new ReloadResult(Name, ReloadStatus.Applied, Generation, clock.Elapsed)
        {
            ChangedMethods = changes.Changed.Select(k => MemberNames.Of(k, snapshot.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray(),
            AddedMethods = changes.Added.Select(k => MemberNames.Of(k, snapshot.Methods.GetValueOrDefault(k)?.BodySpan)).ToArray(),
            RemovedMethods = removed,
            AddedTypes = changes.AddedTypes.Select(t => t.Replace('/', '.')).ToArray(),
            UpdatedTypes = ChangedTypes.Resolve(changes, _pipeline.World.Assemblies.Values),
            Diagnostics = [.. warnings, .. patch.Warnings.Select(diagnostics.Warning)],
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

    // The running program now matches the compiler's sources: later edits are found against them.
    private void AcceptSources()
    {
        _unresolved = [];
        _compiler.Accept();
    }

    private void Sweep()
    {
        lock (_gate) SweepLocked();
    }

    // Runs after every reload and then on a timer while a generation is retiring or unloading.
    private void SweepLocked()
    {
        var lifetime = _pipeline.Lifetime;
        _pipeline.Retire(DateTime.UtcNow);
        // Unloaded generations free their code only when the collector runs; an app that rarely collects would keep them all.
        if (lifetime.CollectionDue(DateTime.UtcNow)) ThreadPool.QueueUserWorkItem(_ => CollectRetired());
        var pending = lifetime.All.Any(g => g.RetiredAt != null && !g.IsCollected);
        _sweeper.Change(pending ? lifetime.GracePeriod + TimeSpan.FromMilliseconds(50) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void CollectRetired()
    {
        // Two collections: the first finds the unloaded contexts unreachable, their finalizers free the code, the second the rest.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Sweep();
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
