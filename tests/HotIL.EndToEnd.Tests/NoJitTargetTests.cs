using System.Text.Json.Nodes;
using HotIL.EndToEnd.Tests.Support;
using Mono.Cecil;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Trimmed and native AOT outputs, which cannot reload: a publish with HotIL enabled by mistake (or by a
/// Directory.Build.props) still publishes and runs, with the compiler's output and warning HOTIL0007; a woven
/// program on a runtime without dynamic code runs as built and says so in one line. Real <c>dotnet publish</c> runs.
/// </summary>
[Collection("builds")]
public class NoJitTargetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Trimmed_publish_with_HotILEnabled_from_Directory_Build_props_warns_HOTIL0007_and_runs_the_compilers_output()
    {
        using var suite = ScratchProject.CreateSolution("Suite", "App");
        suite.Edit(suite.InRoot("Directory.Build.props"), "</PropertyGroup>", "<HotILEnabled>true</HotILEnabled></PropertyGroup>");
        // In the app's project only: the library learns that it goes into a trimmed app from the app's build.
        suite.Edit("App.csproj", "</PropertyGroup>", "<PublishTrimmed>true</PublishTrimmed></PropertyGroup>");
        var published = suite.PathOf("published");

        var output = Publish(suite, published);

        output.Should().Contain("warning HOTIL0007: HotILEnabled is true but this is a trimmed publish (PublishTrimmed)");
        ShouldBeTheCompilersOutput(published, "App.dll");
        // The trimmer may fold the library into the app (it did: Greet returns a constant here), so its build is what is read.
        ShouldNotBeWoven(suite.InRoot("Lib/bin/Release/net10.0/Lib.dll"));
        var run = RunToLine(Path.Combine(published, "App"), l => l.StartsWith("tick=3 ", StringComparison.Ordinal));
        run.Line.Should().Be("tick=3 lib=hello-x regex=123 extra=none");
        run.StandardError.Should().BeEmpty();
    }

    [Fact]
    public void Native_AOT_publish_of_a_project_with_HotILEnabled_compiles_the_compilers_output_with_HOTIL0007()
    {
        using var project = AotCounter();

        // What dotnet publish sets, without the native compile and link this test may not have the tools for.
        var build = project.Build("Release", "HotILEnabled=true", "_IsPublishing=true");

        build.Should().Contain("warning HOTIL0007: HotILEnabled is true but this is a native AOT publish (PublishAot)");
        var intermediate = Directory.GetFiles(project.PathOf("obj/Release"), "Counter.dll", SearchOption.AllDirectories)
            .Single(f => Path.GetFileName(Path.GetDirectoryName(f)) is not ("ref" or "refint"));
        ShouldNotBeWoven(intermediate); // what the native compiler is given
    }

    [NativeToolchainFact]
    public void Native_AOT_publish_with_HotILEnabled_links_and_runs_the_compilers_output()
    {
        using var project = AotCounter();
        var published = project.PathOf("published");

        var output = Publish(project, published, "-p:HotILEnabled=true");

        output.Should().Contain("warning HOTIL0007: HotILEnabled is true but this is a native AOT publish (PublishAot)");
        Directory.EnumerateFiles(published).Select(Path.GetFileName).Should().NotContain(f => f!.Contains("hotil", StringComparison.OrdinalIgnoreCase));
        var run = RunToLine(Path.Combine(published, "Counter"), l => l.StartsWith("tick=3 ", StringComparison.Ordinal));
        run.Line.Should().Be("tick=3 value=4 rule=plus-one");
        run.StandardError.Should().BeEmpty();
    }

    [Fact]
    public void Woven_program_on_a_runtime_without_dynamic_code_runs_as_built_and_says_so_in_one_line()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        // The switch native AOT sets; the JIT honours it, so the woven program meets the runtime a native one would.
        var runtimeConfig = Path.ChangeExtension(project.OutputAssembly("Debug"), ".runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(runtimeConfig))!;
        config["runtimeOptions"]!["configProperties"] = new JsonObject { ["System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"] = false };
        File.WriteAllText(runtimeConfig, config.ToJsonString());
        // A reload asked for at the first tick answers for every registered assembly: none registered.
        var request = project.PathOf("reload.request");
        File.WriteAllText(request, "");

        using var program = project.Start("Debug", new Dictionary<string, string?> { ["COUNTER_RELOAD_REQUEST"] = request });

        program.WaitForLine(l => TickLine.Parse(l)?.Tick == 2, Patience).Should().Be("tick=2 value=3 rule=plus-one");
        File.Exists(request).Should().BeFalse("the program asked for its reload");
        program.StandardOutputSoFar.Should().NotContain("reload=", "nothing was registered to reload");
        program.StandardError.Should().Be(
            "[HotIL] warning HOTIL3011: this runtime cannot load code compiled while the program runs (native AOT); hot reload is off and the program runs as built");
    }

    private static ScratchProject AotCounter()
    {
        var project = ScratchProject.Create("Counter");
        project.Edit("Counter.csproj", "</PropertyGroup>", "<PublishAot>true</PublishAot></PropertyGroup>");
        return project;
    }

    private static string Publish(ScratchProject project, string directory, params string[] properties)
    {
        var (exitCode, output) = DotnetCli.Default.Run(project.Directory, ["publish", "-c", "Release", "-nologo", "-o", directory, .. properties]);
        exitCode.Should().Be(0, $"the publish should succeed:\n{output}");
        return output;
    }

    // (From a clone, restore still sees the library's reference to the runtime project, so the runtime's XML docs
    // may come along; no HotIL code does.)
    private static void ShouldBeTheCompilersOutput(string published, params string[] assemblies)
    {
        Directory.EnumerateFiles(published).Select(Path.GetFileName).Should()
            .NotContain(f => (f!.StartsWith("HotIL.", StringComparison.Ordinal) && f.EndsWith(".dll", StringComparison.Ordinal)) || f.EndsWith(".hotil.json", StringComparison.Ordinal),
                "no HotIL assembly or manifest is published");
        foreach (var assembly in assemblies) ShouldNotBeWoven(Path.Combine(published, assembly));
    }

    private static void ShouldNotBeWoven(string assembly)
    {
        using var module = ModuleDefinition.ReadModule(assembly);
        module.Types.Should().NotContain(t => t.Name == HotIL.Weaver.Registry.TypeName, $"{Path.GetFileName(assembly)} is not woven");
    }

    // Runs a published executable until it prints a matching line, then ends it.
    private static (string Line, string StandardError) RunToLine(string executable, Func<string, bool> match)
    {
        // Started as is, in the test's own environment and folder: the published app needs no dotnet CLI.
        using var process = ChildProcess.Start(executable, Environment.CurrentDirectory, []);
        var line = process.WaitForLine(match, Patience);
        return (line, process.StandardError);
    }
}
