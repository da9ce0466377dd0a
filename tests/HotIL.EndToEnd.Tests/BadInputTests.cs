using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>What goes wrong around a running program, and how HotIL keeps it running.</summary>
[Collection("builds")]
public class BadInputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Optimized_build_with_HotIL_enabled_does_not_watch_its_sources_unless_allowed()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Release", "HotILEnabled=true");
        using (var program = project.Start("Release"))
        {
            program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 40, Patience);
            project.Edit("Rules.cs", "\"plus-one\"", "\"edited\"");
            program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 100, Patience).Should().Contain("rule=plus-one");
            program.StandardError.Should().NotContain("watching");
        }

        using var allowed = project.Start("Release", new Dictionary<string, string?> { ["HOTIL_WATCH"] = "1" });
        allowed.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
    }

    [Fact]
    public void Program_that_does_not_watch_compiles_nothing_at_start_up_and_reloads_on_request()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        var request = project.PathOf("reload.request");
        using var program = project.Start("Debug", new Dictionary<string, string?> { ["HOTIL_WATCH"] = "0", ["COUNTER_RELOAD_REQUEST"] = request });

        // Long past the few seconds a warm-up compile of this project takes.
        program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 150, Patience);
        program.StandardError.Should().NotContain("ready to reload", "nothing asked for a reload yet, so Roslyn has not been started");

        project.Edit("Rules.cs", "\"plus-one\"", "\"on-request\"");
        File.WriteAllText(request, "");
        program.WaitForLine(l => l == "reload=Applied", Patience);
        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "on-request", Patience);
        program.StandardError.Should().Contain("ready to reload").And.NotContain("watching");
    }

    [Fact]
    public void A_rejected_edit_is_reported_again_by_every_reload_until_undone_and_then_said_to_be_resolved()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        var request = project.PathOf("reload.request");
        using var program = project.Start("Debug", new Dictionary<string, string?> { ["HOTIL_WATCH"] = "0", ["COUNTER_RELOAD_REQUEST"] = request });
        program.WaitForLine(l => TickLine.Parse(l) != null, Patience);

        project.Edit("Rules.cs", "public sealed class Tally", "public class Base { }\n\npublic sealed class Tally : Base");
        File.WriteAllText(request, "");
        program.WaitForLine(l => l == "reload=Rejected" || l.Contains("error="), Patience).Should().Be("reload=Rejected");
        // Nothing changed on disk since, but the program still does not run these sources: the answer stays the same.
        File.WriteAllText(request, "");
        program.WaitForLine(l => l.StartsWith("reload=", StringComparison.Ordinal), Patience).Should().Be("reload=Rejected");
        program.StandardError.Should().Contain("the edit reported before still cannot be applied, so nothing saved since is applied either");

        project.Edit("Rules.cs", "public class Base { }\n\npublic sealed class Tally : Base", "public sealed class Tally");
        File.WriteAllText(request, "");
        program.WaitForLine(l => l.StartsWith("reload=", StringComparison.Ordinal), Patience).Should().Be("reload=NoChanges");
        program.WaitForError(l => l.Contains("HOTIL1003 resolved"), Patience).Should().Contain("no code changes");
    }

    [Fact]
    public void Missing_manifest_is_reported_and_the_program_runs_without_reloading()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        foreach (var manifest in Directory.GetFiles(project.Directory, "Counter.hotil.json", SearchOption.AllDirectories)) File.Delete(manifest);

        using var program = project.Start("Debug");

        program.WaitForError(l => l.Contains("HOTIL3002") && l.Contains("no manifest"), Patience);
        program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 5, Patience);
    }

    [Fact]
    public void Burst_of_a_hundred_saves_in_a_second_applies_the_final_state_and_nothing_sticks()
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project);
        var rules = File.ReadAllText(project.PathOf("Rules.cs"));

        for (var i = 1; i <= 100; i++)
        {
            File.WriteAllText(project.PathOf("Rules.cs"), rules.Replace("value + 1;", $"value + {i};").Replace("\"plus-one\"", $"\"burst-{i}\""));
            Thread.Sleep(10);
        }
        var final = TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l)?.Rule == "burst-100", Patience))!;
        var next = CounterApp.NextTick(program);
        next.Value.Should().Be(final.Value + 100);

        project.Edit("Rules.cs", "\"burst-100\"", "\"after-burst\"");
        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "after-burst", Patience);
    }

    [Fact]
    public void Deleted_then_restored_source_file_is_a_compile_error_in_between_and_the_program_keeps_running()
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project);
        var rules = File.ReadAllText(project.PathOf("Rules.cs"));

        File.Delete(project.PathOf("Rules.cs"));
        program.WaitForError(l => l.Contains("error CS") && l.Contains("Program.cs("), Patience);
        CounterApp.NextTick(program).Rule.Should().Be("plus-one");

        File.WriteAllText(project.PathOf("Rules.cs"), rules.Replace("\"plus-one\"", "\"restored\""));
        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "restored", Patience);
    }

    [Fact]
    public void Renamed_source_file_keeps_compiling_and_edits_to_it_apply()
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project);

        File.Move(project.PathOf("Rules.cs"), project.PathOf("Renamed.cs"));
        Thread.Sleep(500);
        project.Edit("Renamed.cs", "\"plus-one\"", "\"renamed\"");

        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "renamed", Patience);
        program.StandardError.Should().NotContain("error CS");
    }

    [Fact]
    public void Exception_in_a_reload_handler_is_reported_and_the_reload_stands()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        using var program = project.Start("Debug", new Dictionary<string, string?> { ["COUNTER_THROWING_HANDLER"] = "1" });
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);

        project.Edit("Rules.cs", "\"plus-one\"", "\"handled\"");

        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "handled", Patience);
        program.WaitForError(l => l.Contains("HOTIL3004") && l.Contains("handler bug"), Patience);
        project.Edit("Rules.cs", "\"handled\"", "\"again\"");
        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "again", Patience);
    }
}
