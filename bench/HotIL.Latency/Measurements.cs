using System.Globalization;
using System.Text.RegularExpressions;

namespace HotIL.Latency;

/// <summary>How one tool is started and what its lines mean.</summary>
internal sealed partial class Tool
{
    public static readonly Tool HotIL = new()
    {
        Name = "HotIL",
        IsReady = l => l.IsError && l.Text.Contains("[HOTIL4002]", StringComparison.Ordinal),
        ReportedMs = l => l.IsError && HotILApplied().Match(l.Text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null,
        // Compile errors, rude edits, failed reloads, reloading disabled.
        Failure = l => l.IsError && FailureIds().IsMatch(l.Text) ? l.Text : null,
        // A rude edit and its rejection: expected, when the program is to restart instead.
        IsRejection = l => l.IsError && HotILRejection().IsMatch(l.Text),
        // At detailed verbosity: "took compile 120 ms (1 of 69 files in full, 7 as declarations), read 3 ms, ...".
        Steps = l => l.IsError && l.Text.StartsWith("[HotIL]", StringComparison.Ordinal) && l.Text[7..].TrimStart().StartsWith("took ", StringComparison.Ordinal)
            ? HotILStep().Matches(l.Text).Select(m => new ReloadStep(m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                m.Groups[3].Success ? m.Groups[3].Value : null)).ToArray()
            : null,
        Environment = new Dictionary<string, string?> { ["HOTIL_VERBOSITY"] = "detailed" },
    };

    public static readonly Tool DotnetWatch = new()
    {
        Name = "dotnet watch",
        IsReady = l => l.Text.Contains("Waiting for changes", StringComparison.Ordinal),
        ReportedMs = l => WatchApplied().Match(l.Text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null,
        Failure = l => l.Text.StartsWith("dotnet watch", StringComparison.Ordinal) && l.Text.Contains("error", StringComparison.OrdinalIgnoreCase) ? l.Text : null,
        IsRejection = l => l.Text.Contains("error ENC", StringComparison.Ordinal) || l.Text.Contains("rude", StringComparison.OrdinalIgnoreCase),
        Note = l => l.Text.StartsWith("dotnet watch", StringComparison.Ordinal) && (l.Text.Contains("estart", StringComparison.Ordinal) || l.Text.Contains("rude", StringComparison.OrdinalIgnoreCase)) ? l.Text : null,
    };

    public required string Name { get; init; }

    public required Func<OutputLine, bool> IsReady { get; init; }

    public required Func<OutputLine, double?> ReportedMs { get; init; }

    public required Func<OutputLine, string?> Failure { get; init; }

    public Func<OutputLine, string?> Note { get; init; } = _ => null;

    /// <summary>Whether the line reports an edit that cannot apply in place (not a failure when the tool is to restart).</summary>
    public required Func<OutputLine, bool> IsRejection { get; init; }

    /// <summary>The line as a failure of an edit of <paramref name="kind"/>, or null.</summary>
    public string? FailureOf(OutputLine line, EditKind kind) => kind.Restarts && IsRejection(line) ? null : Failure(line);

    /// <summary>The tool's own split of one reload into steps, from the line that reports it.</summary>
    public Func<OutputLine, IReadOnlyList<ReloadStep>?> Steps { get; init; } = _ => null;

    /// <summary>What the program needs in its environment for the lines above.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    [GeneratedRegex(@"generation \d+ applied in (\d+) ms")]
    private static partial Regex HotILApplied();

    [GeneratedRegex(@"(\w+) (\d+) ms(?: \(([^)]*)\))?")]
    private static partial Regex HotILStep();

    [GeneratedRegex(@"\[HOTIL(4005|4006|4007|3001|3003|3012)\]|error HOTIL")]
    private static partial Regex FailureIds();

    [GeneratedRegex(@"\[HOTIL4006\]|error HOTIL1\d{3}")]
    private static partial Regex HotILRejection();

    [GeneratedRegex(@"changes applied in (\d+) ?ms")]
    private static partial Regex WatchApplied();
}

/// <summary>Starts a program under a tool, waits until it takes edits, then makes one kind of edit again and again and times each.</summary>
internal static partial class LiveRunner
{
    public static LiveRun Run(PreparedTarget target, Tool tool, EditKind kind, Settings settings)
    {
        var run = new LiveRun { Tool = tool.Name, Edit = kind.Name };
        var directory = tool == Tool.HotIL ? target.HotILDirectory : target.PlainDirectory;
        var path = Path.Combine(directory, kind.File);
        var original = File.ReadAllText(path);
        var originalWriteTime = File.GetLastWriteTimeUtc(path);
        using var child = tool == Tool.HotIL
            ? Tools.Dotnet.Start(directory, [target.OutputAssembly(directory), .. target.ProgramArguments],
                target.ProgramEnvironment.Concat(tool.Environment).Append(new("HOTIL_RESTART", kind.Restarts ? "1" : null)).ToDictionary())
            : Tools.Dotnet.Start(directory, ["watch", "--non-interactive", "run", "--", .. target.ProgramArguments], WatchEnvironment(target, kind));
        using var registration = Children.Register(child);
        try
        {
            var baseline = Edits.Token(0);
            var first = child.WaitFor(l => !l.IsError && l.Text.Contains(baseline, StringComparison.Ordinal), 0, settings.StartTimeout)
                ?? throw Failed(child, $"the program printed no '{baseline}' line within {settings.StartTimeout.TotalSeconds:0} s");
            run.StartToFirstOutputMs = Tools.Milliseconds(child.StartTimestamp, first.Timestamp);
            var ready = child.WaitFor(l => tool.IsReady(l) || tool.Failure(l) != null, 0, settings.StartTimeout);
            if (ready == null || !tool.IsReady(ready)) throw Failed(child, $"{tool.Name} did not say it was ready within {settings.StartTimeout.TotalSeconds:0} s");
            run.StartToReadyMs = Tools.Milliseconds(child.StartTimestamp, ready.Timestamp);
            if (child.WaitFor(l => l.Text.Contains("[HOTIL4001]", StringComparison.Ordinal), 0, TimeSpan.Zero) is { } warmUp
                && FirstCompile().Match(warmUp.Text) is { Success: true } m)
                run.WarmUpCompileMs = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            Tools.Log($"  {tool.Name}, {kind.Name}: first output {run.StartToFirstOutputMs:0} ms, ready {run.StartToReadyMs:0} ms after start");
            Thread.Sleep(settings.GapMilliseconds);

            // A restart takes seconds: a few of them tell enough.
            var edits = kind.Restarts ? Math.Min(settings.Edits, 5) : settings.Edits;
            for (var number = 1; number <= edits + 1; number++)
            {
                var from = child.Count;
                var edit = Edit(child, tool, kind, path, kind.WithToken(original, Edits.Token(number)), Edits.Token(number), number, settings);
                if (number == 1) run.First = edit;
                else run.Warm.Add(edit);
                Tools.Log($"  {tool.Name}, {kind.Name}: edit {number}{(number == 1 ? " (first)" : "")}: {edit.LatencyMs:0} ms"
                    + (edit.ReportedMs is { } r ? $" (tool says {r:0} ms)" : "") + (edit.Note is { } n ? $" [{n}]" : ""));
                // The restarted program takes the next edit once it is ready again, as a developer would wait for it.
                if (kind.Restarts && child.WaitFor(tool.IsReady, from, settings.StartTimeout) == null)
                    throw Failed(child, $"{tool.Name} was not ready again within {settings.StartTimeout.TotalSeconds:0} s of restarting");
                Thread.Sleep(settings.GapMilliseconds);
            }
            // Traced reloads stay the method-body edit's, comparable with earlier runs of the harness.
            if (tool == Tool.HotIL && kind.IsBody && settings.DotnetTrace != null)
                TraceReloads(run, child, tool, path, original, target, settings);
        }
        catch (MeasurementException e)
        {
            run.Error = e.Message;
            Tools.Log($"  {tool.Name}, {kind.Name}: {e.Message}");
        }
        finally
        {
            child.Dispose();
            File.WriteAllText(path, original);
            // With its old timestamp too: the build is then up to date again for the next run of the program, so
            // dotnet watch's start (which builds first) is not slowed by recompiling a file this run edited.
            File.SetLastWriteTimeUtc(path, originalWriteTime);
        }
        return run;
    }

    // A few more edits with dotnet-trace sampling the program; they do not count towards the latencies.
    private static void TraceReloads(LiveRun run, ChildProcess child, Tool tool, string path, string original, PreparedTarget target, Settings settings)
    {
        var count = Math.Min(5, settings.Edits);
        var output = Path.Combine(settings.WorkDirectory, $"{target.Name}-hotil.nettrace");
        Tools.Log($"  {tool.Name}: {count} more edits traced with dotnet-trace");
        var trace = Tracing.Start(settings.DotnetTrace!, child.Id, output);
        try
        {
            Thread.Sleep(2000); // the session attaches
            for (var i = 1; i <= count; i++)
            {
                var number = settings.Edits + 1 + i;
                Edit(child, tool, target.BodyEdit, path, target.BodyEdit.WithToken(original, Edits.Token(number)), Edits.Token(number), number, settings);
                Thread.Sleep(settings.GapMilliseconds);
            }
        }
        finally
        {
            Tracing.Stop(trace);
        }
        try
        {
            run.Trace = Tracing.Analyze(settings.DotnetTrace!, output, count);
            Tools.Log($"  {tool.Name}: traced {run.Trace.PerReloadMs:0} ms per reload: "
                + string.Join(", ", run.Trace.Steps.Take(4).Select(s => $"{s.Name} {s.MsPerReload:0} ms")));
        }
        catch (Exception e) when (e is MeasurementException or IOException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            run.TraceError = e.Message;
            Tools.Log($"  {tool.Name}: trace: {e.Message}");
        }
    }

    private static EditResult Edit(ChildProcess child, Tool tool, EditKind kind, string path, string text, string token, int number, Settings settings)
    {
        var from = child.Count;
        var written = System.Diagnostics.Stopwatch.GetTimestamp();
        Edits.Write(path, text, settings.WriteMode);
        var shown = child.WaitFor(l => (!l.IsError && l.Text.Contains(token, StringComparison.Ordinal)) || tool.FailureOf(l, kind) != null, from, settings.EditTimeout);
        if (shown == null) throw Failed(child, $"edit {number} did not show within {settings.EditTimeout.TotalSeconds:0} s");
        if (tool.FailureOf(shown, kind) is { } failure) throw Failed(child, $"edit {number} was not applied: {failure}");
        var latency = Tools.Milliseconds(written, shown.Timestamp);
        // The tool's own report line may come just before or just after the program's output.
        var reported = child.WaitFor(l => tool.ReportedMs(l) != null, from, TimeSpan.FromSeconds(3));
        var note = child.WaitFor(l => tool.Note(l) != null, from, TimeSpan.Zero);
        var steps = reported == null ? null : child.WaitFor(l => tool.Steps(l) != null, from, TimeSpan.FromSeconds(1));
        return new EditResult(number, latency, reported == null ? null : tool.ReportedMs(reported), note?.Text) { Steps = steps == null ? null : tool.Steps(steps) };
    }

    private static Dictionary<string, string?> WatchEnvironment(PreparedTarget target, EditKind kind) => new(target.ProgramEnvironment)
    {
        ["DOTNET_WATCH_SUPPRESS_EMOJIS"] = "1",
        ["DOTNET_WATCH_SUPPRESS_LAUNCH_BROWSER"] = "1",
        ["DOTNET_WATCH_SUPPRESS_BROWSER_REFRESH"] = "1",
        ["DOTNET_WATCH_RESTART_ON_RUDE_EDIT"] = kind.Restarts ? "1" : null,
    };

    private static MeasurementException Failed(ChildProcess child, string message) =>
        new($"{message}\n--- last output ---\n{child.Tail()}");

    [GeneratedRegex(@"first compile (\d+) ms")]
    private static partial Regex FirstCompile();
}

/// <summary>Start-up time of the plain and the HotIL build, alternated run by run so drift in machine load hits both.</summary>
internal static class StartupRunner
{
    public static StartupResult Run(PreparedTarget target, Settings settings)
    {
        var result = new StartupResult();
        try
        {
            // One unmeasured run of each first: the first start after a build pays for cold disk caches.
            Once(target, target.PlainDirectory, settings);
            Once(target, target.HotILDirectory, settings);
            for (var i = 0; i < settings.StartupRuns; i++)
            {
                foreach (var withHotIL in i % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var first = Once(target, withHotIL ? target.HotILDirectory : target.PlainDirectory, settings);
                    (withHotIL ? result.HotILFirstOutputMs : result.PlainFirstOutputMs).Add(first);
                }
            }
            Tools.Log($"  start-up: plain {Tools.Median(result.PlainFirstOutputMs):0} ms, HotIL {Tools.Median(result.HotILFirstOutputMs):0} ms to first output");
        }
        catch (MeasurementException e)
        {
            result.Error = e.Message;
            Tools.Log($"  start-up: {e.Message}");
        }
        return result;
    }

    // Killed as soon as it has printed: HotIL's warm-up goes on in the background (the live run reports start → ready).
    private static double Once(PreparedTarget target, string directory, Settings settings)
    {
        using var child = Tools.Dotnet.Start(directory, [target.OutputAssembly(directory), .. target.ProgramArguments], target.ProgramEnvironment);
        using var registration = Children.Register(child);
        var first = child.WaitFor(l => !l.IsError, 0, settings.StartTimeout)
            ?? throw new MeasurementException($"no output within {settings.StartTimeout.TotalSeconds:0} s:\n{child.Tail()}");
        return Tools.Milliseconds(child.StartTimestamp, first.Timestamp);
    }
}

/// <summary>A measurement that could not be completed; the report says why and the run goes on.</summary>
internal sealed class MeasurementException(string message) : Exception(message);

/// <summary>Children still running, killed if the harness is interrupted (Ctrl+C, SIGTERM).</summary>
internal static class Children
{
    private static readonly HashSet<ChildProcess> Running = [];

    static Children()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static IDisposable Register(ChildProcess child)
    {
        lock (Running) Running.Add(child);
        return new Registration(child);
    }

    private static void KillAll()
    {
        ChildProcess[] children;
        lock (Running) children = [.. Running];
        foreach (var child in children) child.Dispose();
    }

    private sealed class Registration(ChildProcess child) : IDisposable
    {
        public void Dispose()
        {
            lock (Running) Running.Remove(child);
        }
    }
}
