using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using HotIL.Reporting;
using HotIL.Weaver;

namespace HotIL.Restart;

/// <summary>
/// The way forward for an edit that cannot be applied in place, when the build asked for it (<c>HotILRestart</c>,
/// or <c>HOTIL_RESTART=1</c>): rebuild the project into a folder of its own while the program keeps running, then
/// replace the process with the rebuilt program, same arguments, same working directory, same process id (so
/// <c>dotnet run</c> and the terminal keep it), as <c>dotnet watch</c> does after a rude edit. State is not kept:
/// it is a restart. If the build fails the program keeps running its last good code and says why.
/// </summary>
internal static class ProgramRestart
{
    /// <summary>Whether a rejected edit restarts the program: <c>HOTIL_RESTART</c> decides for one run, else the build.</summary>
    public static bool IsOn(Manifest manifest) =>
        Environment.GetEnvironmentVariable("HOTIL_RESTART") switch
        {
            "1" or "true" => true,
            "0" or "false" => false,
            _ => manifest.RestartOnRudeEdit,
        };

    /// <summary>Rebuilds the project and, if that succeeds, becomes the rebuilt program; returns only when it could not.</summary>
    /// <param name="manifest">The build's record of the project.</param>
    /// <param name="program">The woven assembly whose edit was rejected.</param>
    /// <param name="write">Where HotIL's lines go.</param>
    public static void Run(Manifest manifest, Assembly program, Action<MessageKind, string> write)
    {
        if (manifest.ProjectPath is not { } project)
        {
            write(RuntimeMessages.RestartFailed, $"cannot restart {manifest.AssemblyName}: its build did not record the project file; rebuild it with this version of HotIL");
            return;
        }
        var clock = Stopwatch.StartNew();
        var output = Path.Combine(Path.GetTempPath(), "hotil-restart", $"{manifest.AssemblyName}-{Environment.ProcessId}-{DateTime.UtcNow.Ticks}");
        write(RuntimeMessages.Restarting, $"{manifest.AssemblyName}: restarting to apply the edit: building {Path.GetFileName(project)}");
        var (exitCode, log) = Build(project, manifest.BuildArguments, output);
        if (exitCode != 0)
        {
            var errors = log.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(20);
            write(RuntimeMessages.RestartFailed, $"could not restart {manifest.AssemblyName}: the build failed (exit code {exitCode}); the program keeps running its last good code"
                + Environment.NewLine + string.Join(Environment.NewLine, errors));
            return;
        }
        var rebuilt = Path.Combine(output, Path.GetFileName(program.Location));
        var arguments = Arguments(program.Location, rebuilt);
        write(RuntimeMessages.Restarting, $"{manifest.AssemblyName}: built in {clock.ElapsedMilliseconds} ms; starting it again");
        Become(arguments);
        write(RuntimeMessages.RestartFailed, $"could not restart {manifest.AssemblyName}: starting {rebuilt} failed ({Marshal.GetLastPInvokeErrorMessage()}); the program keeps running");
    }

    private static (int ExitCode, string Log) Build(string project, IReadOnlyList<string> buildArguments, string output)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["build", project, .. buildArguments, "-o", output, "-nologo", "-v:q"]) start.ArgumentList.Add(a);
        using var build = Process.Start(start)!;
        var log = new StringBuilder();
        build.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        build.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        build.WaitForExit();
        lock (log) return (build.ExitCode, log.ToString());
    }

    // The dotnet CLI tells the programs it starts where it is.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    // The command line this process was started with, the program's assembly replaced by the rebuilt one; a program
    // started through its apphost is started through dotnet instead.
    private static string[] Arguments(string programPath, string rebuilt)
    {
        var original = OriginalArguments();
        var at = Array.FindIndex(original, a => SamePath(a, programPath));
        return at > 0 ? [.. original[..at], rebuilt, .. original[(at + 1)..]] : [DotnetHost(), rebuilt, .. original.Skip(1)];
    }

    private static string[] OriginalArguments()
    {
        // Linux keeps the exact argv; elsewhere the runtime's view has to do.
        const string cmdline = "/proc/self/cmdline";
        if (File.Exists(cmdline)) return File.ReadAllText(cmdline).TrimEnd('\0').Split('\0');
        return [Environment.ProcessPath ?? DotnetHost(), .. Environment.GetCommandLineArgs()];
    }

    private static bool SamePath(string argument, string path)
    {
        try { return string.Equals(Path.GetFullPath(argument), Path.GetFullPath(path), StringComparison.Ordinal); }
        catch (ArgumentException) { return false; }
    }

    // Unix: the process becomes the new program (execve), keeping its id, its parent and its terminal. Windows has no
    // such call: the new program is started and this one exits.
    private static void Become(string[] arguments)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        HotReload.Output?.Flush();
        if (OperatingSystem.IsWindows())
        {
            var start = new ProcessStartInfo(arguments[0]) { UseShellExecute = false };
            foreach (var a in arguments.Skip(1)) start.ArgumentList.Add(a);
            Process.Start(start);
            Environment.Exit(0);
        }
        // argv[0] may be a bare "dotnet": execvp looks it up on PATH as the shell did. The environment is inherited.
        Execvp(arguments[0], [.. arguments, null]);
    }

    [DllImport("libc", EntryPoint = "execvp", SetLastError = true)]
    private static extern int Execvp(string file, string?[] argv);
}
