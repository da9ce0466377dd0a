using System.CommandLine;
using System.Runtime.InteropServices;
using HotIL.Latency;

var targets = new Option<string>("--targets", "-t")
{
    Description = "Programs to measure, comma-separated: sample (the repository's sample), or generated projects by size: 10k, 100k, 2500, ...",
    DefaultValueFactory = _ => "sample,10k,100k",
};
var measure = new Option<string>("--measure", "-m")
{
    Description = "What to measure, comma-separated: hotil (live edits under HotIL), watch (the same under dotnet watch), startup (start-up with and without HotIL), stages (where a whole-project reload spends its time, replayed in process).",
    DefaultValueFactory = _ => "hotil,watch,startup,stages",
};
var editKinds = new Option<string>("--edit", "-e")
{
    Description = "Which edits to time, comma-separated, each in its own run of the program: body (a method's body), lambda (a lambda kept in a static readonly field), handler (a lambda subscribed to an event in Main), add-method, add-property, add-type (a declaration added, one more with each edit, and used by the polled method), restart (a field added to a struct: the tool is told to restart the program, and at most 5 warm edits are made); all but body on generated programs only.",
    DefaultValueFactory = _ => string.Join(",", EditKind.Ids),
};
var edits = new Option<int?>("--edits", "-n") { Description = "Warm edits per program, after the first edit [default: 20; --quick: 5]." };
var startupRuns = new Option<int?>("--startup-runs") { Description = "Start-ups of each build to take the median of [default: 7; --quick: 3]." };
var quick = new Option<bool>("--quick", "-q") { Description = "A short validation run: targets sample and 10k, 5 warm edits, 3 start-ups (any option given explicitly wins)." };
var poll = new Option<int>("--poll-ms") { Description = "How often the program calls the edited code.", DefaultValueFactory = _ => 5 };
var gap = new Option<int>("--gap-ms") { Description = "Pause after an edit shows before the next one is written.", DefaultValueFactory = _ => 500 };
var write = new Option<WriteMode>("--write") { Description = "How edits are saved: InPlace (truncate and write) or Atomic (temporary file renamed over it).", DefaultValueFactory = _ => WriteMode.InPlace };
var editTimeout = new Option<int>("--edit-timeout-s") { Description = "Give up on an edit that has not shown after this many seconds.", DefaultValueFactory = _ => 60 };
var hotilRoot = new Option<DirectoryInfo?>("--hotil-root") { Description = "The HotIL clone the programs import (eng/HotIL.InRepo.targets) [default: the repository this harness is in]. Point it at a clean checkout to measure a commit while others edit src/." };
var runtimeConfiguration = new Option<string>("--runtime-configuration") { Description = "Configuration HotIL's runtime is built in (the package ships Release).", DefaultValueFactory = _ => "Release" };
runtimeConfiguration.AcceptOnlyFromAmong("Release", "Debug");
var workDirectory = new Option<DirectoryInfo?>("--work-dir") { Description = "Where the programs are written [default: a new temporary folder, deleted afterwards unless --keep]." };
var keep = new Option<bool>("--keep") { Description = "Keep the work folder." };
var trace = new Option<bool>("--trace") { Description = "After the warm edits, make 5 more under dotnet-trace and split HotIL's reload time by the step it was in (needs the dotnet-trace tool: dotnet tool install -g dotnet-trace)." };
var dotnetTrace = new Option<FileInfo?>("--dotnet-trace") { Description = "Path of the dotnet-trace tool [default: found on PATH or in ~/.dotnet/tools]." };
var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the markdown report to this file." };
var json = new Option<FileInfo?>("--json") { Description = "Also write every measurement as JSON to this file." };

var root = new RootCommand("""
    Reload latency of HotIL, next to dotnet watch, measured from outside: each program runs as a child
    process that prints a value from the code being edited every few milliseconds; the harness saves an
    edit and times how long the new value takes to show on the program's standard output. The report
    (markdown) goes to standard output, progress to standard error.
    """)
{
    targets, measure, editKinds, edits, startupRuns, quick, poll, gap, write, editTimeout, hotilRoot, runtimeConfiguration, workDirectory, keep, trace, dotnetTrace, markdown, json,
};

root.SetAction(result =>
{
    var isQuick = result.GetValue(quick);
    var what = Split(result.GetValue(measure)!);
    var unknown = what.Except(["hotil", "watch", "startup", "stages"]).ToArray();
    if (unknown.Length > 0)
    {
        Console.Error.WriteLine($"unknown --measure value(s): {string.Join(", ", unknown)}");
        return 2;
    }
    var kinds = Split(result.GetValue(editKinds)!);
    if (kinds.Length == 0 || kinds.Except(EditKind.Ids).Any())
    {
        Console.Error.WriteLine($"--edit takes {string.Join(", ", EditKind.Ids)}; got '{result.GetValue(editKinds)}'");
        return 2;
    }
    IReadOnlyList<TargetSpec> specs;
    try
    {
        var targetText = result.GetResult(targets) is { Implicit: false } || !isQuick ? result.GetValue(targets)! : "sample,10k";
        specs = Split(targetText).Select(TargetSpec.Parse).DistinctBy(t => t.Name).ToArray();
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    var repository = result.GetValue(hotilRoot)?.FullName ?? Repository.FindRoot();
    if (repository == null || !File.Exists(Path.Combine(repository, "eng", "HotIL.InRepo.targets")))
    {
        Console.Error.WriteLine("no HotIL clone found (eng/HotIL.InRepo.targets); pass --hotil-root");
        return 2;
    }
    string? traceTool = null;
    if (result.GetValue(trace))
    {
        traceTool = Tracing.FindTool(result.GetValue(dotnetTrace)?.FullName);
        if (traceTool == null)
        {
            Console.Error.WriteLine("--trace needs the dotnet-trace tool: dotnet tool install -g dotnet-trace (or pass --dotnet-trace <path>)");
            return 2;
        }
    }
    var work = result.GetValue(workDirectory)?.FullName ?? Path.Combine(Path.GetTempPath(), $"hotil-latency-{Guid.NewGuid():N}"[..28]);
    var settings = new Settings
    {
        Targets = specs,
        MeasureHotIL = what.Contains("hotil"),
        MeasureWatch = what.Contains("watch"),
        MeasureStartup = what.Contains("startup"),
        MeasureStages = what.Contains("stages"),
        EditKinds = kinds,
        Edits = Math.Max(1, result.GetValue(edits) ?? (isQuick ? 5 : 20)),
        StartupRuns = Math.Max(1, result.GetValue(startupRuns) ?? (isQuick ? 3 : 7)),
        PollMilliseconds = Math.Max(1, result.GetValue(poll)),
        GapMilliseconds = Math.Max(0, result.GetValue(gap)),
        WriteMode = result.GetValue(write),
        EditTimeout = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(editTimeout))),
        StartTimeout = TimeSpan.FromMinutes(5),
        HotILRoot = Path.TrimEndingDirectorySeparator(repository) + Path.DirectorySeparatorChar,
        RuntimeConfiguration = result.GetValue(runtimeConfiguration)!,
        WorkDirectory = work,
        KeepWorkDirectory = result.GetValue(keep) || result.GetValue(workDirectory) != null,
        DotnetTrace = traceTool,
        MarkdownPath = result.GetValue(markdown)?.FullName,
        JsonPath = result.GetValue(json)?.FullName,
    };
    return Harness.Run(settings);
});

return root.Parse(args).Invoke();

static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToArray();

namespace HotIL.Latency
{
    /// <summary>The run: prepare each program, measure what was asked, write the report.</summary>
    internal static class Harness
    {
        public static int Run(Settings settings)
        {
            var report = new Report
            {
                Started = DateTimeOffset.UtcNow,
                Machine = $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}",
                HotILVersion = Tools.GitDescription(settings.HotILRoot) ?? settings.HotILRoot,
                RuntimeConfiguration = settings.RuntimeConfiguration,
                PollMs = settings.PollMilliseconds,
                GapMs = settings.GapMilliseconds,
                WarmEdits = settings.Edits,
                WriteMode = settings.WriteMode == WriteMode.InPlace ? "in place" : "atomically (temporary file renamed over it)",
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Tools.Log($"work folder {settings.WorkDirectory}; HotIL from {settings.HotILRoot} ({report.HotILVersion})");
            Directory.CreateDirectory(settings.WorkDirectory);
            // Nothing above the work folder (props, central package versions) leaks into the programs.
            File.WriteAllText(Path.Combine(settings.WorkDirectory, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(settings.WorkDirectory, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(settings.WorkDirectory, "Directory.Packages.props"), "<Project />\n");
            try
            {
                PrimeHotIL(settings);
                foreach (var spec in settings.Targets) report.Targets.Add(MeasureTarget(spec, settings));
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            finally
            {
                if (!settings.KeepWorkDirectory)
                {
                    try { Directory.Delete(settings.WorkDirectory, recursive: true); }
                    catch (IOException) { }
                }
            }
            report.Duration = clock.Elapsed;
            var markdown = ReportWriter.Markdown(report);
            Console.Out.Write(markdown);
            if (settings.MarkdownPath != null) File.WriteAllText(settings.MarkdownPath, markdown);
            if (settings.JsonPath != null) File.WriteAllText(settings.JsonPath, ReportWriter.Json(report));
            Tools.Log($"done in {report.Duration:h\\:mm\\:ss}");
            return report.Targets.Any(t => t.Error != null || t.Runs.Any(r => r.Error != null)) ? 1 : 0;
        }

        // HotIL's task (Release) and runtime are built once up front, so no program's build time includes them.
        private static void PrimeHotIL(Settings settings)
        {
            Tools.Log("building HotIL (task and runtime)");
            foreach (var (project, configuration) in new[] { ("src/HotIL.MSBuild", "Release"), ("src/HotIL.Runtime", settings.RuntimeConfiguration) })
            {
                var (code, output) = Tools.Dotnet.Run(settings.HotILRoot, ["build", project, "-c", configuration, "-nologo", "-v:q"], timeout: TimeSpan.FromMinutes(15));
                if (code != 0) throw new InvalidOperationException($"building {project} failed:\n{output}");
            }
        }

        private static TargetReport MeasureTarget(TargetSpec spec, Settings settings)
        {
            Tools.Log($"{spec.Name}: writing the program");
            var target = PreparedTarget.Create(spec, settings.WorkDirectory, settings);
            var report = new TargetReport { Name = spec.Name, Lines = target.Lines, Files = target.Files, Poll = target.PollDescription };
            Tools.Log($"{spec.Name}: {target.Files} files, {target.Lines:N0} lines; building without and with HotIL");
            try
            {
                report.BuildPlainMs = Tools.Build(target.PlainDirectory).TotalMilliseconds;
                report.BuildHotILMs = Tools.Build(target.HotILDirectory).TotalMilliseconds;
            }
            catch (InvalidOperationException e)
            {
                report.Error = e.Message;
                Tools.Log($"{spec.Name}: {e.Message}");
                return report;
            }
            Tools.Log($"{spec.Name}: built in {report.BuildPlainMs / 1000:0.0} s without HotIL, {report.BuildHotILMs / 1000:0.0} s with");
            if (settings.MeasureStartup)
            {
                Tools.Log($"{spec.Name}: start-up, {settings.StartupRuns} runs each");
                report.Startup = StartupRunner.Run(target, settings);
            }
            // Each kind of edit gets a fresh start of the program under each tool, so each has its own first edit.
            foreach (var kind in target.EditKinds.Where(k => settings.EditKinds.Contains(k.Id)))
            {
                if (settings.MeasureHotIL)
                {
                    Tools.Log($"{spec.Name}: {kind.Name} edits under HotIL");
                    report.Runs.Add(LiveRunner.Run(target, Tool.HotIL, kind, settings));
                }
                if (settings.MeasureWatch)
                {
                    Tools.Log($"{spec.Name}: {kind.Name} edits under dotnet watch");
                    report.Runs.Add(LiveRunner.Run(target, Tool.DotnetWatch, kind, settings));
                }
            }
            if (settings.MeasureStages)
            {
                Tools.Log($"{spec.Name}: replaying a whole-project reload's steps");
                try
                {
                    report.Stages = Stages.Measure(target, Math.Clamp(settings.Edits, 3, 10));
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException or KeyNotFoundException)
                {
                    report.StagesError = e.Message;
                    Tools.Log($"{spec.Name}: stages: {e.Message}");
                }
            }
            return report;
        }
    }
}
