using System.Diagnostics;
using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Reports written to a log file instead of standard error, where a full-screen program would draw over them:
/// <c>HotILLogFile</c> at build time, <c>HOTIL_LOG_FILE</c> for one run; the Counter app as a real process.
/// </summary>
[Collection("builds")]
public class LogFileTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Reports_go_to_the_file_HotILLogFile_names_and_standard_error_gets_one_line_naming_it()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug", "HotILLogFile=logs/hotil.log");
        var log = project.PathOf("logs/hotil.log");

        using var program = project.Start("Debug");
        WaitForFileLine(log, l => l.StartsWith("[HotIL] watching ", StringComparison.Ordinal));
        program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 3, Patience);
        project.Edit("Rules.cs", "value + 1;", "value + 1000;");

        WaitForFileLine(log, l => l.StartsWith("[HotIL] Counter: generation 2 applied", StringComparison.Ordinal));
        program.StandardError.Should().Be($"[HotIL] writing reports to {log} [HOTIL3010]", "the one line on standard error names the file, relative to the project");
    }

    [Fact]
    public void HOTIL_LOG_FILE_overrides_the_build_and_a_relative_path_is_taken_from_the_working_directory()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug", "HotILLogFile=from-build.log");
        var workingDirectory = Directory.CreateDirectory(project.PathOf("elsewhere")).FullName;

        using var program = DotnetCli.Default.Start(workingDirectory, [project.OutputAssembly("Debug")], new Dictionary<string, string?> { ["HOTIL_LOG_FILE"] = "run.log" });
        var log = Path.Combine(workingDirectory, "run.log");
        WaitForFileLine(log, l => l.StartsWith("[HotIL] watching ", StringComparison.Ordinal));

        program.StandardError.Should().Be($"[HotIL] writing reports to {log} [HOTIL3010]");
        File.Exists(project.PathOf("from-build.log")).Should().BeFalse("the environment variable replaces the build's file");
    }

    // The file is appended to and flushed line by line, so a reader sees each line as it is written.
    private static void WaitForFileLine(string path, Func<string, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (File.Exists(path) && ReadShared(path).Any(match)) return;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"no matching line in {path} within {Patience.TotalSeconds} s:\n{(File.Exists(path) ? string.Join('\n', ReadShared(path)) : "(no file)")}");
    }

    private static string[] ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
