using HotIL.Reporting;

namespace HotIL.Package.Tests;

/// <summary>What the running program writes at each verbosity, and how the verbosity is configured (in process).</summary>
public sealed class ReportingTests
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

    private static string[] Lines(HotReloadVerbosity verbosity, params ReloadResult[] results)
    {
        var output = new StringWriter();
        foreach (var result in results)
            OutputWriter.Write(output, verbosity, RuntimeMessages.For(result), result.ToString(), OutputWriter.DetailsOf(result, verbosity));
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }
}
