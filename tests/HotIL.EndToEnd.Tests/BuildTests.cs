using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>What HotIL does to the build output, checked on real builds.</summary>
[Collection("builds")]
public class BuildTests
{
    [Fact]
    public void Release_build_with_defaults_is_identical_to_a_build_without_HotIL()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Release");
        var withPackage = File.ReadAllBytes(project.OutputAssembly("Release"));
        var files = Directory.GetFiles(project.OutputDirectory("Release")).Select(Path.GetFileName).ToArray();

        project.Build("Release", "UseHotIL=false", "--no-incremental");
        var without = File.ReadAllBytes(project.OutputAssembly("Release"));

        withPackage.Should().Equal(without, "a default Release build is exactly the compiler's output");
        files.Should().NotContain(f => f!.StartsWith("HotIL", StringComparison.Ordinal) || f.EndsWith(".hotil.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Debug_build_is_woven_runs_and_writes_its_manifest_beside_the_output()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        var output = project.OutputDirectory("Debug");

        File.Exists(Path.Combine(output, "Counter.hotil.json")).Should().BeTrue();
        var manifest = HotIL.Weaver.Manifest.FromJson(File.ReadAllText(Path.Combine(output, "Counter.hotil.json")));
        manifest.Slots.Should().Contain(s => s.StartsWith("Counter.Rules::Next(System.Int32)", StringComparison.Ordinal));
        manifest.CompilerArguments.Should().Contain(a => a.EndsWith("Rules.cs", StringComparison.Ordinal));
        manifest.ProjectDirectory.Should().Be(project.Directory);
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(project.OutputAssembly("Debug"));
        module.Types.Should().Contain(t => t.Name == HotIL.Weaver.Registry.TypeName);

        using var program = project.Start("Debug");
        TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l)?.Tick == 2, TimeSpan.FromSeconds(30)))!.Value.Should().Be(3);
    }
}
