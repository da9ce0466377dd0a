using System.Text.RegularExpressions;
using HotIL.Reporting;

namespace HotIL.Package.Tests;

/// <summary>What the running program writes at each verbosity, and how the verbosity is configured (in process).</summary>
public sealed partial class ReportingTests
{
    private static readonly ReloadResult Applied = new("App", ReloadStatus.Applied, 2, TimeSpan.FromMilliseconds(12))
    {
        ChangedMethods = ["App.Rules.Next(int)"],
        Diagnostics = ["/src/Rules.cs(3,5): warning HOTIL2001: the static constructor changed"],
        Stages = [new("compile", TimeSpan.FromMilliseconds(8.4), "1 of 3 files in full, 1 as declarations"), new("read", TimeSpan.FromMilliseconds(1)), new("apply", TimeSpan.FromMilliseconds(2.6))],
    };

    private static readonly ReloadResult Broken = new("App", ReloadStatus.CompileFailed, 2, TimeSpan.FromMilliseconds(9))
    {
        Diagnostics = ["/src/Rules.cs(5,20): error CS1002: ; expected"],
    };

    [Fact]
    public void Quiet_writes_only_edits_that_failed_with_their_file_and_line()
    {
        Lines(HotReloadVerbosity.Quiet, Applied, Broken).Should().Equal(
            "[HotIL] App: the edit does not compile; still running generation 2 [HOTIL4005]",
            "[HotIL]   /src/Rules.cs(5,20): error CS1002: ; expected");
    }

    [Fact]
    public void Minimal_adds_one_line_per_applied_reload_and_normal_adds_its_warnings()
    {
        Lines(HotReloadVerbosity.Minimal, Applied).Should().Equal(
            "[HotIL] App: generation 2 applied in 12 ms: 1 changed, 0 added, 0 removed [HOTIL4003]");
        Lines(HotReloadVerbosity.Normal, Applied).Should().Equal(
            "[HotIL] App: generation 2 applied in 12 ms: 1 changed, 0 added, 0 removed [HOTIL4003]",
            "[HotIL]   /src/Rules.cs(3,5): warning HOTIL2001: the static constructor changed");
    }

    [Fact]
    public void Detailed_names_the_changed_methods_and_times_each_step()
    {
        Lines(HotReloadVerbosity.Detailed, Applied).TakeLast(2).Should().Equal(
            "[HotIL]   changed App.Rules.Next(int)",
            "[HotIL]   took compile 8 ms (1 of 3 files in full, 1 as declarations), read 1 ms, apply 3 ms");
    }

    [Fact]
    public void Diagnostics_of_the_runtime_itself_are_written_as_severity_ID_and_text()
    {
        var output = new StringWriter();
        OutputWriter.Write(output, HotReloadVerbosity.Quiet, RuntimeMessages.NoManifest, "no manifest found for App");
        output.ToString().TrimEnd().Should().Be("[HotIL] warning HOTIL3002: no manifest found for App");
    }

    [Fact]
    public void Verbosity_comes_from_HOTIL_VERBOSITY_in_MSBuild_spellings_and_an_unknown_value_falls_back_to_normal_with_a_reason()
    {
        var saved = Environment.GetEnvironmentVariable(VerbositySetting.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(VerbositySetting.EnvironmentVariable, "q");
            VerbositySetting.Read(out var none).Should().Be(HotReloadVerbosity.Quiet);
            none.Should().BeNull();
            Environment.SetEnvironmentVariable(VerbositySetting.EnvironmentVariable, "Detailed");
            VerbositySetting.Read(out _).Should().Be(HotReloadVerbosity.Detailed);
            Environment.SetEnvironmentVariable(VerbositySetting.EnvironmentVariable, "loud");
            VerbositySetting.Read(out var problem).Should().Be(HotReloadVerbosity.Normal);
            problem.Should().Contain("HOTIL_VERBOSITY=loud is not a verbosity");
        }
        finally
        {
            Environment.SetEnvironmentVariable(VerbositySetting.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void Log_file_is_appended_to_and_keeps_every_line_whole_when_several_threads_write()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hotil-log-{Guid.NewGuid():N}", "nested", "hotil.log");
        var saved = Environment.GetEnvironmentVariable(LogFile.EnvironmentVariable);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "earlier run\n");
            Environment.SetEnvironmentVariable(LogFile.EnvironmentVariable, path);
            var log = LogFile.OpenConfigured()!;
            log.Path.Should().Be(path);

            Parallel.For(0, 8, thread =>
            {
                for (var i = 0; i < 200; i++)
                    OutputWriter.Write(log.Writer, HotReloadVerbosity.Normal, RuntimeMessages.CompileFailed, $"thread {thread} line {i}", [$"detail {thread}.{i}"]);
            });

            var lines = ReadShared(path);
            lines[0].Should().Be("earlier run", "the file is appended to, not replaced");
            lines.Skip(1).Should().HaveCount(8 * 200 * 2).And.OnlyContain(l => WholeLine().IsMatch(l), "no two writes interleave within a line");
            log.Writer!.Dispose();
        }
        finally
        {
            Environment.SetEnvironmentVariable(LogFile.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void Log_file_that_cannot_be_opened_is_a_problem_with_the_reason_and_no_writer()
    {
        var saved = Environment.GetEnvironmentVariable(LogFile.EnvironmentVariable);
        var file = Path.GetTempFileName();
        try
        {
            // A path below a regular file cannot be created.
            Environment.SetEnvironmentVariable(LogFile.EnvironmentVariable, Path.Combine(file, "hotil.log"));
            var log = LogFile.OpenConfigured()!;
            log.Writer.Should().BeNull();
            log.Problem.Should().NotBeNullOrEmpty();
        }
        finally
        {
            Environment.SetEnvironmentVariable(LogFile.EnvironmentVariable, saved);
            File.Delete(file);
        }
    }

    private static string[] ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"^\[HotIL\] (thread \d line \d+ \[HOTIL4005\]|  detail \d\.\d+)$")]
    private static partial Regex WholeLine();

    private static string[] Lines(HotReloadVerbosity verbosity, params ReloadResult[] results)
    {
        var output = new StringWriter();
        foreach (var result in results)
            OutputWriter.Write(output, verbosity, RuntimeMessages.For(result), result.ToString(), OutputWriter.DetailsOf(result, verbosity));
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }
}
