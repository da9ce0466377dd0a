using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Edit-matrix rows that need a real project: a new source file, a referenced library project,
/// and a source generator. The app (Apps/Suite) runs as a real process in Debug and in an
/// optimized Release build with HotIL enabled.
/// </summary>
[Collection("builds")]
public class ProjectEditTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Configurations => new() { "Debug", "Release" };

    [Theory, MemberData(nameof(Configurations))]
    public void E12_new_source_file_with_a_new_type_is_compiled_in_and_used(string configuration)
    {
        using var running = Start(configuration);
        var (suite, program) = (running.Suite, running.Program);
        File.WriteAllText(suite.PathOf("Added.cs"), "namespace App;\n\npublic static class Added\n{\n    public static string Name() => \"from-new-file\";\n}\n");
        suite.Edit("Extras.cs", "=> \"none\";", "=> Added.Name();");

        program.WaitForLine(l => l.Contains("extra=from-new-file"), Patience);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E30_edit_in_a_referenced_library_project_is_applied(string configuration)
    {
        using var running = Start(configuration);
        var (suite, program) = (running.Suite, running.Program);
        program.WaitForError(l => l.Contains("[HotIL] watching") && l.Contains("Lib"), Patience);

        suite.Edit(suite.InRoot("Lib/Greeter.cs"), "$\"hello-{name}\"", "$\"bonjour-{name}\"");

        program.WaitForLine(l => l.Contains("lib=bonjour-x"), Patience);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E36_partial_class_with_a_source_generated_part_is_regenerated(string configuration)
    {
        using var running = Start(configuration);
        var (suite, program) = (running.Suite, running.Program);

        suite.Edit("Patterns.cs", "[GeneratedRegex(\"[0-9]+\")]", "[GeneratedRegex(\"[a-z]+\")]");

        program.WaitForLine(l => l.Contains("regex=abc"), Patience);
    }

    private static RunningSuite Start(string configuration)
    {
        var suite = ScratchProject.CreateSolution("Suite", "App");
        suite.Build(configuration, configuration == "Release" ? ["HotILEnabled=true", "HotILWatch=true"] : []);
        var program = suite.Start(configuration);
        program.WaitForError(l => l.Contains("[HotIL] watching") && l.Contains(" App"), Patience);
        program.WaitForLine(l => l.Contains("regex=123"), Patience);
        return new RunningSuite(suite, program);
    }

    private sealed record RunningSuite(ScratchProject Suite, ChildProcess Program) : IDisposable
    {
        public void Dispose()
        {
            Program.Dispose();
            Suite.Dispose();
        }
    }
}
