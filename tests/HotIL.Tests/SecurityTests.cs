using HotIL.Compilation;
using HotIL.Weaver;
using Mono.Cecil;
using HotIL.Watching;

namespace HotIL.Tests;

/// <summary>The guards listed in docs/security.md that can be checked without a process.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-security-").FullName;

    [Theory]
    [InlineData(typeof(HotReload))]
    [InlineData(typeof(RuntimeContract))]
    public void Runtime_references_no_networking_api(Type fromAssembly)
    {
        using var module = ModuleDefinition.ReadModule(fromAssembly.Assembly.Location);

        module.GetTypeReferences().Select(t => t.Namespace).Should().NotContain(ns => ns.StartsWith("System.Net", StringComparison.Ordinal));
        module.AssemblyReferences.Select(a => a.Name).Should().NotContain(n => n.StartsWith("System.Net", StringComparison.Ordinal));
    }

    [Fact]
    public void Public_api_accepts_no_code_from_outside()
    {
        var parameters = typeof(HotReload).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods().Where(m => m.DeclaringType == t).SelectMany(m => m.GetParameters()))
            .Select(p => p.ParameterType)
            .ToList();

        parameters.Should().NotContain(t => t == typeof(byte[]) || typeof(Stream).IsAssignableFrom(t) || t == typeof(System.Reflection.Assembly),
            "patches come only from compiling the local sources");
    }

    [Fact]
    public void Sources_outside_the_recorded_project_directory_are_never_read()
    {
        var project = Directory.CreateDirectory(Path.Combine(_directory, "project")).FullName;
        var inside = Path.Combine(project, "Inside.cs");
        var outside = Path.Combine(_directory, "Linked.cs");
        File.WriteAllText(inside, "class Inside { }");
        File.WriteAllText(outside, "class Linked { }");
        var compiler = new ProjectCompiler(new Manifest
        {
            AssemblyName = "P", ProjectDirectory = project, Slots = [],
            CompilerArguments = ["/target:library", "/out:P.dll", $"/reference:{typeof(object).Assembly.Location}", inside, outside],
        }, _ => { });
        var sources = new SourceSet(project, compiler.SourcePaths, DateTime.UtcNow);

        File.WriteAllText(outside, "class Linked { int _secret; }");
        File.WriteAllText(inside, "class Inside { int _changed; }");

        sources.Changes(compiler).Keys.Should().Equal(inside);
        sources.IsSource(outside).Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
