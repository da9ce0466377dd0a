using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HotIL.Latency;

/// <summary>Writes the report as markdown tables (for docs/performance.md) and as JSON.</summary>
internal static class ReportWriter
{
    public static string Markdown(Report report)
    {
        var text = new StringBuilder();
        text.AppendLine("## Reload latency: HotIL and dotnet watch");
        text.AppendLine();
        text.AppendLine(Invariant($"{report.Started:yyyy-MM-dd HH:mm} UTC; {report.Machine}; HotIL {report.HotILVersion} (runtime built {report.RuntimeConfiguration}); ")
            + Invariant($"{report.WarmEdits} warm edits per program after the first, {report.GapMs} ms apart, written {report.WriteMode}; the program polls every {report.PollMs} ms. Run took {report.Duration:h\\:mm\\:ss}."));
        text.AppendLine();
        text.AppendLine("Latency is from the start of the write to the first line the program prints with the edited value, read at the pipe; it includes the file watcher and the poll interval. "
            + "The first edit is the first one after the tool said it was ready. \"Tool's figure\" is what the tool itself reports for the reload (HotIL: `applied in N ms`; dotnet watch: `changes applied in Nms`). "
            + "Each kind of edit has its own start of the program and changes one string literal: *method body* in a method the program calls; *lambda in a static readonly field* in a lambda "
            + "stored in a `static readonly Func<int, string>` field initializer, whose delegate the program took once at start-up; *handler lambda subscribed in Main* in a lambda the entry point "
            + "subscribed to an event before its loop; *method added*, *property added*, *class added* declare one more static method, static property or nested class with each edit "
            + "(edit n adds the n-th, the ones before stay) and change the polled method to use it; *struct field added (restart)* adds a field to a struct, which neither tool applies in place: "
            + "HotIL runs with `HOTIL_RESTART=1` and dotnet watch with `DOTNET_WATCH_RESTART_ON_RUDE_EDIT=1`, so each rebuilds and restarts the program (latency: save → the restarted program's first line), "
            + "and the next edit waits until the tool is ready again. The lambda edits show only if they reach the delegates made at start-up.");
        text.AppendLine();
        text.AppendLine("| program | C# lines | edit | tool | start → first output | start → ready | first edit | warm p50 | warm p90 | warm p95 | warm max | warm edits | tool's figure, warm p50 | outside the reload, p50 |");
        text.AppendLine("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var target in report.Targets)
        {
            foreach (var run in target.Runs)
            {
                text.AppendLine(Invariant($"| {target.Name} | {target.Lines:N0} | {run.Edit} | {run.Tool} | {Ms(run.StartToFirstOutputMs)} | {Ms(run.StartToReadyMs)} | {Ms(run.First?.LatencyMs)} | ")
                    + Invariant($"{Ms(run.WarmP50)} | {Ms(run.WarmP90)} | {Ms(run.WarmP95)} | {Ms(run.WarmMax)} | {run.Warm.Count} | {Ms(run.ReportedWarmP50)} | {Ms(run.OutsideReloadP50)} |"));
            }
        }
        text.AppendLine();
        foreach (var target in report.Targets.Where(t => t.Poll != Invariant($"{report.PollMs} ms")))
            text.AppendLine($"The {target.Name} program is polled every {target.Poll}.");
        text.AppendLine("\"Outside the reload\" is latency minus the tool's figure: noticing the save (file watcher, debounce), the poll interval and the pipe. "
            + "For dotnet watch, start → first output includes its own build of the project; for HotIL the program was built beforehand and started directly, and it takes edits once its background warm-up compile is done (ready).");

        var notes = report.Targets.SelectMany(t => t.Runs.Where(r => r.Error != null).Select(r => $"{t.Name} / {r.Edit} / {r.Tool}: {FirstLine(r.Error!)}"))
            .Concat(report.Targets.Where(t => t.Error != null).Select(t => $"{t.Name}: {FirstLine(t.Error!)}"))
            .Concat(report.Targets.SelectMany(t => t.Runs.SelectMany(r => r.Warm.Prepend(r.First!).Where(e => e?.Note != null).Select(e => $"{t.Name} / {r.Edit} / {r.Tool} edit {e!.Number}: {e.Note}"))))
            .ToArray();
        if (notes.Length > 0)
        {
            text.AppendLine();
            foreach (var note in notes) text.AppendLine($"- {note}");
        }

        if (report.Targets.Any(t => t.Startup != null))
        {
            text.AppendLine();
            text.AppendLine("### Start-up");
            text.AppendLine();
            text.AppendLine("The same program built in Debug with and without HotIL, started directly (`dotnet App.dll`), alternating; median of the runs. "
                + "Start-up is process start → first output line; HotIL's warm-up compile runs in the background after that, until it is ready to reload (from the live run above).");
            text.AppendLine();
            text.AppendLine("| program | runs | without HotIL | with HotIL | difference | with HotIL: start → ready to reload |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var target in report.Targets.Where(t => t.Startup != null))
            {
                var s = target.Startup!;
                var plain = Tools.Median(s.PlainFirstOutputMs);
                var hotil = Tools.Median(s.HotILFirstOutputMs);
                text.AppendLine(Invariant($"| {target.Name} | {Math.Min(s.PlainFirstOutputMs.Count, s.HotILFirstOutputMs.Count)} | {Ms(plain)} | {Ms(hotil)} | {Signed(hotil - plain)} | {Ms(target.Runs.FirstOrDefault(r => r.Tool == Tool.HotIL.Name && r.StartToReadyMs != null)?.StartToReadyMs)} |")
                    + (s.Error != null ? $" {FirstLine(s.Error)}" : ""));
            }
        }

        if (report.Targets.Any(t => t.BuildHotILMs != null))
        {
            text.AppendLine();
            text.AppendLine("### Build");
            text.AppendLine();
            text.AppendLine("First `dotnet build -c Debug` of each generated copy (restore included; HotIL's own projects were built beforehand).");
            text.AppendLine();
            text.AppendLine("| program | C# files | without HotIL | with HotIL (compile + weave) |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach (var target in report.Targets.Where(t => t.BuildHotILMs != null))
                text.AppendLine(Invariant($"| {target.Name} | {target.Files} | {Ms(target.BuildPlainMs)} | {Ms(target.BuildHotILMs)} |"));
        }

        var split = report.Targets.SelectMany(t => t.Runs.Where(r => r.WarmStepMedians.Count > 0).Select(r => (Target: t, r.Edit, Steps: r.WarmStepMedians))).ToArray();
        if (split.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("### Where HotIL's warm reloads spend their time");
            text.AppendLine();
            text.AppendLine("HotIL's own timing of each step (it prints them at `HOTIL_VERBOSITY=detailed`), median over the warm edits above. "
                + "The compile holds the edited file in full and, as declarations, only the files it can name (decision 0013).");
            text.AppendLine();
            var names = split.SelectMany(s => s.Steps.Select(x => x.Name)).Distinct().ToArray();
            text.AppendLine($"| program | edit | {string.Join(" | ", names)} | compiled |");
            text.AppendLine($"|---|---|{string.Concat(names.Select(_ => "---:|"))}---|");
            foreach (var (target, edit, steps) in split)
                text.AppendLine($"| {target.Name} | {edit} | {string.Join(" | ", names.Select(n => Ms(steps.FirstOrDefault(s => s.Name == n)?.Ms)))} | {steps.FirstOrDefault(s => s.Detail != null)?.Detail ?? "–"} |");
        }

        if (report.Targets.Any(t => t.Stages != null || t.StagesError != null))
        {
            text.AppendLine();
            text.AppendLine("### Where a whole-project reload spends its time");
            text.AppendLine();
            text.AppendLine("A full recompile of the project on the same edit, then the runtime's own reload pipeline (read, match lambdas, snapshot, diff, patch, load, apply) "
                + "on the woven program loaded into the harness process (median of the samples). A reference for the whole-project path: a runtime that compiles less does less of the compile columns.");
            text.AppendLine();
            text.AppendLine($"| program | {string.Join(" | ", Stage.Headings)} | total | cold first emit |");
            text.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", Stage.Count + 2))}");
            foreach (var target in report.Targets.Where(t => t.Stages != null || t.StagesError != null))
            {
                if (target.Stages is not { } st)
                {
                    text.AppendLine($"| {target.Name} | {FirstLine(target.StagesError!)} |{new string('|', Stage.Count + 1)}");
                    continue;
                }
                text.AppendLine(Invariant($"| {target.Name} | {string.Join(" | ", st.Ms.Select(m => Ms(m)))} | {Ms(st.TotalMs)} | {Ms(st.ColdEmitMs)} |"));
            }
        }

        var traced = report.Targets.SelectMany(t => t.Runs.Where(r => r.Trace != null || r.TraceError != null).Select(r => (Target: t, Run: r))).ToArray();
        if (traced.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("### Where HotIL's reloads spend their time (sampled)");
            text.AppendLine();
            text.AppendLine("A few extra edits after the warm ones, with dotnet-trace sampling the program's thread stacks (about 100 Hz; not counted above). "
                + "Wall-clock time on the reload thread inside the runtime's reload method, per reload, split by the method it was in; compiler work on other threads shows as time in the compile step.");
            text.AppendLine();
            text.AppendLine("| program | traced reloads | per reload | steps (per reload, share) |");
            text.AppendLine("|---|---:|---:|---|");
            foreach (var (target, run) in traced)
            {
                if (run.Trace is not { } t)
                {
                    text.AppendLine($"| {target.Name} | – | – | {FirstLine(run.TraceError!)} |");
                    continue;
                }
                var steps = t.Steps.Where(s => s.MsPerReload >= t.PerReloadMs * 0.01).Take(8)
                    .Select(s => Invariant($"{s.Name} {Ms(s.MsPerReload)} ({100 * s.MsPerReload / t.PerReloadMs:0}%)"));
                text.AppendLine(Invariant($"| {target.Name} | {t.Reloads} | {Ms(t.PerReloadMs)} | {string.Join(", ", steps)} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("### Goals");
        text.AppendLine();
        text.AppendLine("| goal | measured | |");
        text.AppendLine("|---|---:|---|");
        foreach (var (goal, measured, met) in Goals(report)) text.AppendLine($"| {goal} | {measured} | {met} |");
        return text.ToString();
    }

    public static string Json(Report report) => JsonSerializer.Serialize(report, new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    private static IEnumerable<(string Goal, string Measured, string Met)> Goals(Report report)
    {
        // The goals are set for method-body edits.
        LiveRun? Run(string target, Tool tool) => report.Targets.FirstOrDefault(t => t.Name == target)?.Runs
            .FirstOrDefault(r => r.Tool == tool.Name && r.Edit == EditKind.BodyName && r.Error == null);
        static string Verdict(bool met) => met ? "met" : "**missed**";

        if (Run("10k", Tool.HotIL) is { } h10)
        {
            yield return ("10k lines: warm p50 ≤ 100 ms", Ms(h10.WarmP50), Verdict(h10.WarmP50 <= 100));
            if (h10.First is { } f) yield return ("10k lines: first edit ≤ 600 ms", Ms(f.LatencyMs), Verdict(f.LatencyMs <= 600));
            if (Run("10k", Tool.DotnetWatch) is { } w10)
            {
                yield return ("10k lines: warm p50 below dotnet watch's", $"{Ms(h10.WarmP50)} vs {Ms(w10.WarmP50)}", Verdict(h10.WarmP50 < w10.WarmP50));
                if (h10.First is { } hf && w10.First is { } wf)
                    yield return ("10k lines: first edit below dotnet watch's", $"{Ms(hf.LatencyMs)} vs {Ms(wf.LatencyMs)}", Verdict(hf.LatencyMs < wf.LatencyMs));
            }
        }
        if (Run("100k", Tool.HotIL) is { } h100)
        {
            yield return ("100k lines: warm p50 ≤ 300 ms", Ms(h100.WarmP50), Verdict(h100.WarmP50 <= 300));
            if (Run("100k", Tool.DotnetWatch) is { } w100)
                yield return ("100k lines: warm p50 below dotnet watch's", $"{Ms(h100.WarmP50)} vs {Ms(w100.WarmP50)}", Verdict(h100.WarmP50 < w100.WarmP50));
        }
    }

    private static string Ms(double? value) => value is not { } v || double.IsNaN(v) ? "–"
        : v >= 10_000 ? Invariant($"{v / 1000:0.0} s")
        : Invariant($"{v:0} ms");

    private static string Signed(double value) => double.IsNaN(value) ? "–" : Invariant($"{(value >= 0 ? "+" : "−")}{Math.Abs(value):0} ms");

    private static string FirstLine(string text) => text.Split('\n')[0].Replace("|", "\\|", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
