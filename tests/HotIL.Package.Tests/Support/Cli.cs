using System.Diagnostics;
using System.Text;

namespace HotIL.Package.Tests.Support;

/// <summary>
/// Runs the dotnet CLI as a user would. Node reuse is off so every build loads the task assembly it
/// names, and NuGet's package folder is the feed's own, so nothing stale is served from the machine's cache.
/// </summary>
internal static class Cli
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, arguments))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {Limit.TotalMinutes} minutes:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Like <see cref="Run"/>, failing the test with the output when the command fails.</summary>
    public static string Succeed(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output) = Run(workingDirectory, environment, arguments);
        exitCode.Should().Be(0, $"dotnet {string.Join(' ', arguments)} should succeed:\n{output}");
        return output;
    }

    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // A test controls these itself; the developer's own settings must not leak in.
        foreach (var name in new[] { "HOTIL_WATCH", "HOTIL_VERBOSITY", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HotIL.sln"))) return dir.FullName;
        throw new InvalidOperationException("HotIL.sln not found above " + AppContext.BaseDirectory);
    }
}
