using System.Diagnostics;

namespace HotIL.Latency;

/// <summary>The harness's dotnet CLI, progress on standard error, and small statistics.</summary>
internal static class Tools
{
    /// <summary>
    /// The dotnet CLI for every child of the harness: <see cref="DotnetCli.Default"/>, without first-run text and without
    /// the caller's HOTIL_VERBOSITY (a tool's settings set it where its lines need it).
    /// </summary>
    public static readonly DotnetCli Dotnet = DotnetCli.Default.With(new Dictionary<string, string?>
    {
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["HOTIL_VERBOSITY"] = null,
    });

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>Progress goes to standard error so standard output carries only the report.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {message}");

    public static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Builds a project (Debug); throws with the build output when it fails.</summary>
    public static TimeSpan Build(string projectDirectory, params string[] properties)
    {
        var (exitCode, output, elapsed) = Dotnet.Run(projectDirectory,
            ["build", "-c", "Debug", "-nologo", "-v:q", "-clp:ErrorsOnly", .. properties.Select(p => "-p:" + p)], timeout: TimeSpan.FromMinutes(15));
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
