using System.Diagnostics;
using HotIL.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// A woven program runs as a real process; the test edits its sources on disk and watches the
/// running process take the change. Row IDs refer to docs/edit-matrix.md.
/// </summary>
[Collection("builds")]
public class LiveEditTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public void E01_edited_static_method_changes_the_running_process_and_state_is_kept(string configuration)
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project, configuration, configuration == "Release" ? ["HotILEnabled=true", "HotILWatch=true"] : []);
        var before = CounterApp.NextTick(program);

        var saved = Stopwatch.StartNew();
        project.Edit("Rules.cs", "value + 1;", "value + 1000;");
        project.Edit("Rules.cs", "\"plus-one\"", "\"plus-thousand\"");
        var previous = before;
        var after = TickLine.Parse(program.WaitForLine(l =>
        {
            var line = TickLine.Parse(l);
            if (line?.Rule != "plus-thousand") { previous = line ?? previous; return false; }
            return true;
        }, Patience))!;
        output.WriteLine($"{configuration}: save → new behaviour observed in {saved.ElapsedMilliseconds} ms");
        output.WriteLine(program.StandardError);

        after.Value.Should().Be(previous.Value + 1000, "the counter's state carried over and the new body added 1000");
        after.Tick.Should().Be(previous.Tick + 1, "the program was not restarted");
        program.WaitForError(l => l.Contains("generation 2 applied"), Patience);
    }

    [Theory]
    [InlineData("Debug")]
    [InlineData("Release")]
    public void E37_compile_error_is_reported_with_file_and_line_and_the_fix_then_applies(string configuration)
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project, configuration, configuration == "Release" ? ["HotILEnabled=true", "HotILWatch=true"] : []);

        project.Edit("Rules.cs", "value + 1;", "value + ;");
        var error = program.WaitForError(l => l.Contains("error CS"), Patience);
        error.Should().Contain(project.PathOf("Rules.cs") + "(5,");
        program.StandardError.Should().Contain("does not compile; still running generation 1");
        var during = CounterApp.NextTick(program);
        during.Rule.Should().Be("plus-one", "nothing was applied and the program keeps running");

        project.Edit("Rules.cs", "value + ;", "value + 2;");
        project.Edit("Rules.cs", "\"plus-one\"", "\"plus-two\"");
        var first = TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l)?.Rule == "plus-two", Patience))!;
        var next = CounterApp.NextTick(program);
        next.Value.Should().Be(first.Value + 2);
    }

    [Fact]
    public void An_edit_that_cannot_be_applied_in_place_restarts_the_program_when_asked_and_runs_the_new_code()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        using var program = project.Start("Debug", new Dictionary<string, string?> { ["HOTIL_RESTART"] = "1" });
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        CounterApp.NextTick(program);

        var saved = Stopwatch.StartNew();
        project.Edit("Rules.cs", "public sealed class Tally", "public class Base { }\n\npublic sealed class Tally : Base");
        project.Edit("Rules.cs", "\"plus-one\"", "\"restarted\"");

        var restarted = TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l)?.Rule == "restarted", TimeSpan.FromMinutes(3)))!;
        output.WriteLine($"save → the restarted program's first new line: {saved.ElapsedMilliseconds} ms");
        restarted.Tick.Should().BeLessThan(20, "the program started again");
        program.StandardError.Should().Contain("HOTIL1003").And.Contain("restarting to apply the edit");
        program.HasExited.Should().BeFalse("the same process runs the rebuilt program");
        program.WaitForError(l => l.Contains("[HotIL] watching") && program.StandardError.Split('\n').Count(x => x.Contains("[HotIL] watching")) == 2, Patience);
        project.Edit("Rules.cs", "value + 1;", "value + 100;");
        var previous = CounterApp.NextTick(program);
        program.WaitForLine(l =>
        {
            var tick = TickLine.Parse(l);
            if (tick == null) return false;
            var stepped = tick.Value - previous.Value == 100;
            previous = tick;
            return stepped;
        }, Patience).Should().NotBeNull("the restarted program reloads edits again");
    }

    [Fact]
    public void A_strong_named_project_reloads()
    {
        using var project = ScratchProject.Create("Counter");
        using (var rsa = new System.Security.Cryptography.RSACryptoServiceProvider(1024))
            File.WriteAllBytes(project.PathOf("Counter.snk"), rsa.ExportCspBlob(includePrivateParameters: true));
        project.Edit("Counter.csproj", "</PropertyGroup>", "<SignAssembly>true</SignAssembly><AssemblyOriginatorKeyFile>Counter.snk</AssemblyOriginatorKeyFile></PropertyGroup>");
        using var program = CounterApp.StartWatching(project);
        System.Reflection.AssemblyName.GetAssemblyName(project.OutputAssembly("Debug")).GetPublicKeyToken().Should().NotBeEmpty();

        project.Edit("Rules.cs", "\"plus-one\"", "\"signed\"");

        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "signed", Patience);
        program.StandardError.Should().NotContain("HOTIL3003");
    }

    [Fact]
    public void A_save_made_while_HotIL_warms_up_is_applied_once_it_watches()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        using var program = project.Start("Debug");
        program.WaitForLine(l => TickLine.Parse(l) != null, Patience);
        program.StandardError.Should().NotContain("watching", "the save must come before the warm-up ends");

        project.Edit("Rules.cs", "\"plus-one\"", "\"saved-early\"");

        program.WaitForLine(l => TickLine.Parse(l)?.Rule == "saved-early", Patience);
        program.WaitForError(l => l.Contains("generation 2 applied"), Patience);
    }

    [Fact]
    public void Reloaded_handlers_see_the_generation_they_announce_while_later_saves_wait_for_them()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        using var program = project.Start("Debug", new Dictionary<string, string?> { ["COUNTER_SLOW_HANDLER"] = "1" });
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);

        // The second save lands while the first reload's handler runs.
        project.Edit("Rules.cs", "\"plus-one\"", "\"r1\"");
        Thread.Sleep(120);
        project.Edit("Rules.cs", "\"r1\"", "\"r2\"");
        program.WaitForLine(l => l.StartsWith("handler ", StringComparison.Ordinal) && l.EndsWith("rule=r2", StringComparison.Ordinal), Patience);

        var handlers = program.StandardOutputSoFar.Split('\n').Where(l => l.StartsWith("handler ", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join('\n', handlers));
        handlers.Should().OnlyContain(l => Installed(l) == Announced(l), "no later generation is installed while a handler of an earlier one runs");
        handlers.Select(Announced).Should().BeInAscendingOrder();
        if (handlers.Count > 1) handlers[0].Should().EndWith("rule=r1", "the first handler ran the code of the generation it announced");
    }

    private static int Announced(string handlerLine) => int.Parse(handlerLine.Split(' ')[1].Split('=')[1]);

    private static int Installed(string handlerLine) => int.Parse(handlerLine.Split(' ')[2].Split('=')[1]);

    [Fact]
    public void E07_deleted_method_called_from_old_code_throws_an_exception_naming_it_and_its_generation()
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project, "Debug");

        // The loop in Main keeps running its original body, which still calls Describe.
        project.Edit("Program.cs", "rule={Rules.Describe()}", "rule=none");
        project.Edit("Rules.cs", "public static string Describe() => \"plus-one\";", "");

        var line = program.WaitForLine(l => l.Contains("error="), Patience);
        line.Should().Contain("error=MethodRemovedException: Counter.Rules.Describe() was removed by HotIL reload generation 2");
    }

    [Fact]
    public void Rude_edit_is_rejected_with_file_line_and_reason_and_the_program_keeps_running()
    {
        using var project = ScratchProject.Create("Counter");
        using var program = CounterApp.StartWatching(project, "Debug");

        project.Edit("Rules.cs", "public sealed class Tally", "public class Base { }\n\npublic sealed class Tally : Base");
        project.Edit("Rules.cs", "Rules.Next(_value);", "Rules.Next(_value) + 5;");

        var error = program.WaitForError(l => l.Contains("HOTIL1003"), Patience);
        error.Should().Contain(project.PathOf("Rules.cs") + "(12,").And.Contain("changing the base class of Counter.Tally");
        program.StandardError.Should().Contain("cannot be applied while the program runs; still running generation 1");
        var first = CounterApp.NextTick(program);
        var next = CounterApp.NextTick(program);
        next.Value.Should().Be(first.Value + 1, "the old code keeps running");
    }
}

[CollectionDefinition("builds", DisableParallelization = true)]
public class BuildsCollection;
