using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using HotIL.Reporting;
using HotIL.Restart;
using HotIL.Weaver;
using HotIL.Handlers;
using HotIL.Pipeline;
using HotIL.Watching;

namespace HotIL;

/// <summary>
/// HotIL's runtime entry point. Woven assemblies register themselves at start-up; where the build
/// asked for it, their sources are watched and every save is compiled and applied while the
/// program keeps running. Reloads can also be requested through <see cref="ReloadAsync"/>.
/// After each applied reload HotIL calls the handlers assemblies declare with
/// <c>[assembly: System.Reflection.Metadata.MetadataUpdateHandler(typeof(T))]</c>, as .NET's Hot Reload does,
/// then raises <see cref="Reloaded"/>.
/// </summary>
public static class HotReload
{
    private static readonly object Gate = new();
    private static readonly object ReloadGate = new();
    private static readonly List<ReloadSession> Sessions = [];
    private static readonly List<SourceWatcher> Watchers = [];
    private static int _applied;
    private static TimeSpan _gracePeriod = TimeSpan.FromSeconds(1);
    private static string? _verbosityProblem;
    private static HotReloadVerbosity _verbosity = VerbositySetting.Read(out _verbosityProblem);
    private static readonly LogFile? ConfiguredLogFile = LogFile.OpenConfigured();
    private static int _startReported;
    private static bool? _programWatches;

    /// <summary>
    /// Where HotIL writes one line per reload, its start-up lines and its diagnostics, each prefixed with
    /// <c>[HotIL]</c>; null silences it. Default: the file named by the <c>HOTIL_LOG_FILE</c> environment variable
    /// or the build's <c>HotILLogFile</c> property, else standard error.
    /// </summary>
    public static TextWriter? Output { get; set; } = ConfiguredLogFile?.Writer ?? Console.Error;

    /// <summary>
    /// How much HotIL writes to <see cref="Output"/>. Default: the <c>HOTIL_VERBOSITY</c> environment
    /// variable, else the build's <c>HotILVerbosity</c> property, else <see cref="HotReloadVerbosity.Normal"/>.
    /// </summary>
    public static HotReloadVerbosity Verbosity
    {
        get => _verbosity;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "not a HotReloadVerbosity");
            _verbosity = value;
        }
    }

    /// <summary>Raised after a new generation has been applied and the update handlers have run; on the thread that applied it.</summary>
    public static event EventHandler<ReloadResult>? Reloaded;

    /// <summary>Raised when an edit could not be applied (compile error, rude edit, failure); the program keeps its code. On the thread that tried.</summary>
    public static event EventHandler<ReloadResult>? ReloadFailed;

    // Every attempt, a save that compiles back to the running code included (it resolves an earlier failure without a
    // new generation): HotIL.AspNetCore clears the error it shows in open pages on it.
    internal static event EventHandler<ReloadResult>? Attempted;

    /// <summary>
    /// How long a generation that no slot points into stays loaded before HotIL unloads it (default 1 s).
    /// It covers a thread that has read a slot but not yet called through it; see docs/decisions/0006-generation-lifetime.md.
    /// </summary>
    public static TimeSpan RetirementGracePeriod
    {
        get => _gracePeriod;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (Gate)
            {
                _gracePeriod = value;
                foreach (var session in Sessions) session.GracePeriod = value;
            }
        }
    }

    /// <summary>Every applied generation of every registered assembly and where it is in its lifetime.</summary>
    public static IReadOnlyList<GenerationInfo> Generations
    {
        get
        {
            lock (Gate) return Sessions.SelectMany(s => s.Generations).ToArray();
        }
    }

    /// <summary>1 for the program as built, plus one for every reload applied since.</summary>
    public static int Generation => Volatile.Read(ref _applied) + 1;

    /// <summary>
    /// Completes when every registered assembly can be reloaded (the background warm-up has finished). Watched
    /// assemblies warm up from start-up; for the others, the first use of this property or of
    /// <see cref="ReloadAsync"/> starts the warm-up.
    /// </summary>
    public static Task WhenReady
    {
        get
        {
            lock (Gate) return Task.WhenAll(Sessions.Select(s => s.Ready));
        }
    }

    /// <summary>
    /// Compiles and applies whatever changed on disk, for every registered assembly, whether or not its
    /// sources are watched. Reports, handlers and events are the same as for a save.
    /// </summary>
    /// <returns>One result per registered assembly.</returns>
    public static Task<IReadOnlyList<ReloadResult>> ReloadAsync(CancellationToken cancellationToken = default)
    {
        ReloadSession[] sessions;
        lock (Gate) sessions = [.. Sessions];
        return Task.Run<IReadOnlyList<ReloadResult>>(() => sessions.Select(Reload).ToArray(), cancellationToken);
    }

    /// <summary>Called by the module initializer of a woven assembly; not for user code.</summary>
    /// <param name="registry">The assembly's generated registry type.</param>
    /// <param name="manifestPath">Where the build wrote the manifest (used when none sits beside the assembly).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(Type registry, string manifestPath)
    {
        var assembly = registry.Assembly;
        Action<MessageKind, string> report = static (_, _) => { };
        // Runs inside a module initializer: an exception here would kill the program.
        try
        {
            // A process that only loaded woven libraries (a test host, a plugin host) hears nothing from HotIL: its
            // output is not HotIL's to use.
            if (WatchSetting.Forced == true || WatchSetting.IsWovenProgram(assembly))
            {
                report = Write;
                ReportStartOnce();
            }
            // Native AOT: nothing can be compiled or loaded, so the program runs as built (ReportStartOnce said so).
            if (!RuntimeFeature.IsDynamicCodeSupported) return;
            var manifest = FindManifest(assembly, manifestPath, report);
            if (manifest == null) return;
            if (assembly == Assembly.GetEntryAssembly()) _programWatches = manifest.Watch;
            ReloadSession session;
            lock (Gate)
            {
                session = new ReloadSession(assembly, manifest, line => report(RuntimeMessages.ForSessionLine(line), line), _gracePeriod);
                Sessions.Add(session);
            }
            if (ShouldWatch(manifest)) session.Ready.ContinueWith(t => StartWatching(session, t), TaskScheduler.Default);
        }
        catch (Exception e)
        {
            report(RuntimeMessages.ReloadingDisabled, $"reloading is disabled for {assembly.GetName().Name}: {e.Message}");
        }
    }

    // Once per process, before anything else: where the lines go (on standard error, the one place sure to be seen),
    // a verbosity that was not understood, and whether this runtime can reload at all.
    private static void ReportStartOnce()
    {
        if (Interlocked.Exchange(ref _startReported, 1) == 1) return;
        if (ConfiguredLogFile is { Writer: not null } log)
            OutputWriter.Write(Console.Error, Verbosity, RuntimeMessages.LogFileInUse, $"writing reports to {log.Path}");
        if (ConfiguredLogFile is { Problem: { } problem } unusable)
            Write(RuntimeMessages.LogFileUnusable, $"cannot write reports to {unusable.Path} ({problem}); writing them to standard error");
        if (Interlocked.Exchange(ref _verbosityProblem, null) is { } verbosityProblem) Write(RuntimeMessages.UnknownVerbosity, verbosityProblem);
        if (!RuntimeFeature.IsDynamicCodeSupported)
            Write(RuntimeMessages.NoDynamicCode, "this runtime cannot load code compiled while the program runs (native AOT); hot reload is off and the program runs as built");
    }

    private static Manifest? FindManifest(Assembly assembly, string buildPath, Action<MessageKind, string> report)
    {
        var beside = string.IsNullOrEmpty(assembly.Location) ? null : Path.ChangeExtension(assembly.Location, ".hotil.json");
        var path = beside != null && File.Exists(beside) ? beside : File.Exists(buildPath) ? buildPath : null;
        if (path == null)
        {
            report(RuntimeMessages.NoManifest, $"no manifest found for {assembly.GetName().Name} (looked for {beside ?? "(no location)"} and {buildPath}); the program runs without reloading");
            return null;
        }
        return Manifest.FromJson(File.ReadAllText(path));
    }

    // HOTIL_WATCH=0/1 decides for one run; otherwise the woven program's build does (Debug watches by default), and
    // a process that is not a woven program does not watch.
    private static bool ShouldWatch(Manifest manifest) =>
        WatchSetting.Forced ?? (manifest.Watch && WatchSetting.ProgramAsksToWatch(() => _programWatches));

    private static void StartWatching(ReloadSession session, Task ready)
    {
        if (ready.Exception is { } failure)
        {
            Write(RuntimeMessages.ReloadingDisabled, $"reloading is disabled for {session.Name}: {failure.GetBaseException().Message}");
            return;
        }
        var watcher = new SourceWatcher(session.ProjectDirectory, session.Sources.IsSource, session.Sources.IsProjectPath, touched => Reload(session, touched));
        lock (Gate) Watchers.Add(watcher);
        Write(RuntimeMessages.Watching, $"watching {session.ProjectDirectory} for changes to {session.Name}");
        // Saves made since the build, before anything watched, are applied now: the baseline is the build's sources.
        if (session.HasUnappliedSources()) Reload(session);
    }

    private static ReloadResult Reload(ReloadSession session) => Reload(session, touched: null);

    // One reload at a time across every assembly, reported and announced before the next one can install code: the
    // line, Generation and the handlers of generation N never see generation N+1's code. Handlers therefore must not
    // wait for another reload.
    private static ReloadResult Reload(ReloadSession session, IReadOnlyCollection<string>? touched)
    {
        lock (ReloadGate)
        {
            var result = session.Reload(touched, installed: () => Interlocked.Increment(ref _applied));
            Report(result);
            if (result.Status == ReloadStatus.Applied) NotifyUpdateHandlers(result);
            RaiseEvent(result);
            // The way forward for an edit that cannot be applied in place, where the build asked for it: returns only if it could not restart.
            if (result.Status == ReloadStatus.Rejected && ProgramRestart.IsOn(session.Manifest)) ProgramRestart.Run(session.Manifest, session.Program, Write);
            return result;
        }
    }

    private static void Report(ReloadResult result) =>
        OutputWriter.Write(Output, Verbosity, RuntimeMessages.For(result), result.ToString(), OutputWriter.DetailsOf(result, Verbosity));

    private static void NotifyUpdateHandlers(ReloadResult result) => MetadataUpdateHandlers.Notify([.. result.UpdatedTypes], Write);

    private static void RaiseEvent(ReloadResult result)
    {
        var handlers = result.Status switch
        {
            ReloadStatus.Applied => Reloaded,
            ReloadStatus.NoChanges => null,
            _ => ReloadFailed,
        };
        try
        {
            handlers?.Invoke(null, result);
        }
        catch (Exception e)
        {
            Write(RuntimeMessages.EventHandlerThrew, $"a reload event handler threw: {e}");
        }
        Attempted?.Invoke(null, result);
    }

    internal static void Write(MessageKind kind, string text) => OutputWriter.Write(Output, Verbosity, kind, text);
}
