using System.Diagnostics;
using System.Text;

namespace HotIL.Latency;

/// <summary>Running the dotnet CLI, progress on standard error, and small statistics.</summary>
internal static class Tools
{
    /// <summary>Environment for every child: no telemetry or banners, no lingering MSBuild nodes, no HOTIL_* overrides from the caller.</summary>
    public static readonly IReadOnlyDictionary<string, string?> CommonEnvironment = new Dictionary<string, string?>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["HOTIL_WATCH"] = null,
        ["HOTIL_VERBOSITY"] = null,
    };

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>Progress goes to standard error so standard output carries only the report.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {message}");

    public static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Runs <c>dotnet</c> to completion; returns the exit code, the combined output and how long it took.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Dotnet(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        Run("dotnet", workingDirectory, timeout, arguments);

    /// <summary>Runs a program to completion; returns the exit code, the combined output and how long it took.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in CommonEnvironment)
        {
            if (value == null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeout.TotalMinutes:0} minutes:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString(), clock.Elapsed);
    }

    /// <summary>Builds a project (Debug); throws with the build output when it fails.</summary>
    public static TimeSpan Build(string projectDirectory, params string[] properties)
    {
        var (exitCode, output, elapsed) = Dotnet(projectDirectory, TimeSpan.FromMinutes(15),
            ["build", "-c", "Debug", "-nologo", "-v:q", "-clp:ErrorsOnly", .. properties.Select(p => "-p:" + p)]);
        if (exitCode != 0) throw new InvalidOperationException($"dotnet build failed in {projectDirectory}:\n{output}");
        return elapsed;
    }

    /// <summary>The value below which <paramref name="fraction"/> of the samples fall (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> samples, double fraction)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 0.5);

    /// <summary>The commit of a git work tree and whether it has local changes, or null if it is not one.</summary>
    public static string? GitDescription(string directory)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "describe", "--always", "--dirty", "--abbrev=10" }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
