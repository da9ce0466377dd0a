using System.Collections.Concurrent;
using HotIL.Compilation;
using HotIL.Weaver;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;
using HotIL.Watching;

namespace HotIL.Tests;

/// <summary>
/// Every input of the build's compile is watched, not only .cs files: a saved additional file (what Razor pages and
/// components are to the Razor generator, a .txt or .json to other generators) or analyzer config file reruns the
/// generators that read it, and the compile sees their new output.
/// </summary>
[Collection("lifetime")]
public sealed class GeneratorInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("hotil-inputs-").FullName;

    [Fact]
    public void E57_an_edited_additional_file_reruns_the_generator_that_reads_it_and_the_compile_has_its_output()
    {
        var project = CreateProject();
        project.Compiler.Update(project.Message, "Goodbye");

        GreetingOf(project.Compiler.Emit()).Should().Be("Goodbye.");
        project.Compiler.TextOf(project.Message).Should().Be("Goodbye");
    }

    [Fact]
    public void An_edited_analyzer_config_file_changes_the_options_the_generator_reads()
    {
        var project = CreateProject();
        project.Compiler.Update(project.Config, "is_global = true\nbuild_property.Punctuation = !\n");

        GreetingOf(project.Compiler.Emit()).Should().Be("Hello!");
    }

    [Fact]
    public void A_deleted_additional_file_is_gone_for_the_generator_and_comes_back_when_saved_again()
    {
        var project = CreateProject();
        project.Compiler.Update(project.Message, null);
        GreetingOf(project.Compiler.Emit()).Should().Be(".", "the generator sees no input file");
        project.Compiler.Contains(project.Message).Should().BeTrue("a file the build read is still watched after it is deleted");

        project.Compiler.Update(project.Message, "Back");
        GreetingOf(project.Compiler.Emit()).Should().Be("Back.");
    }

    [Fact]
    public void The_baseline_of_an_additional_file_is_the_text_the_build_read_not_a_later_save()
    {
        var project = CreateProject(builtMessage: "As built");

        GreetingOf(project.Compiler.Emit()).Should().Be("As built.");
        var sources = new SourceSet(_project, project.Compiler.SourcePaths, DateTime.UtcNow, project.Compiler.InputPaths);
        sources.Changes(project.Compiler).Should().ContainKey(project.Message).WhoseValue.Should().Be("Hello", "the disk differs from what the program runs");
    }

    [Fact]
    public void Saves_of_additional_files_and_of_an_editorconfig_are_reported_by_the_watcher_and_other_files_are_not()
    {
        var project = CreateProject();
        var editorconfig = Path.Combine(_project, ".editorconfig");
        var sources = new SourceSet(_project, project.Compiler.SourcePaths, DateTime.UtcNow, [.. project.Compiler.InputPaths, editorconfig]);
        var reports = new BlockingCollection<IReadOnlyCollection<string>?>();
        using var watcher = new SourceWatcher(_project, sources.IsSource, sources.IsProjectPath, reports.Add);

        File.WriteAllText(Path.Combine(_project, "notes.txt"), "not read by the build");
        File.WriteAllText(project.Message, "Saved");
        File.WriteAllText(editorconfig, "root = true");
        var touched = new HashSet<string>();
        while (touched.Count < 2 && reports.TryTake(out var report, TimeSpan.FromSeconds(10))) touched.UnionWith(report!);

        touched.Should().BeEquivalentTo([project.Message, editorconfig]);
        sources.Changes(project.Compiler, touched).Should().ContainKey(project.Message).WhoseValue.Should().Be("Saved");
    }

    private static string GreetingOf(CompileResult result)
    {
        result.Errors.Should().BeEmpty();
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(new MemoryStream(result.Assembly!));
        return (string)module.GetType("Messages").Fields.Single(f => f.Name == "Greeting").Constant;
    }

    private sealed record Project(ProjectCompiler Compiler, string Message, string Config);

    /// <param name="builtMessage">The text of message.txt as the build read it (the PDB embeds it), when it differs from the disk.</param>
    private Project CreateProject(string? builtMessage = null)
    {
        var generator = BuildGenerator();
        File.WriteAllText(Path.Combine(_project, "Rules.cs"), "public static class Rules { public static string Greet() => Messages.Greeting; }");
        var message = Path.Combine(_project, "message.txt");
        File.WriteAllText(message, "Hello");
        var config = Path.Combine(_project, "generator.globalconfig");
        File.WriteAllText(config, "is_global = true\nbuild_property.Punctuation = .\n");
        var manifest = new Manifest
        {
            AssemblyName = "Sample", ProjectDirectory = _project, Slots = [],
            CompilerArguments = ["/target:library", "/out:Sample.dll", "/debug:portable", $"/analyzer:{generator}", "/additionalfile:message.txt",
                "/analyzerconfig:generator.globalconfig", .. References().Select(r => "/reference:" + r), "Rules.cs"],
        };
        var built = builtMessage == null ? null : new Dictionary<string, string> { [message] = builtMessage };
        return new Project(new ProjectCompiler(manifest, output.WriteLine, built), message, config);
    }

    // A generator that turns every .txt additional file into one constant, ended by an option from the analyzer config.
    private string BuildGenerator()
    {
        const string source = """
            using System.Linq;
            using Microsoft.CodeAnalysis;

            [Generator]
            public sealed class MessagesGenerator : IIncrementalGenerator
            {
                public void Initialize(IncrementalGeneratorInitializationContext context)
                {
                    var texts = context.AdditionalTextsProvider.Where(t => t.Path.EndsWith(".txt"))
                        .Select((t, ct) => t.GetText(ct)!.ToString().Trim()).Collect();
                    var punctuation = context.AnalyzerConfigOptionsProvider
                        .Select((o, _) => o.GlobalOptions.TryGetValue("build_property.Punctuation", out var p) ? p : "");
                    context.RegisterSourceOutput(texts.Combine(punctuation), (output, pair) => output.AddSource("Messages.g.cs",
                        "public static class Messages { public const string Greeting = \"" + string.Join(",", pair.Left) + pair.Right + "\"; }"));
                }
            }
            """;
        var compilation = CSharpCompilation.Create("MessagesGenerator", [CSharpSyntaxTree.ParseText(source)],
            [.. References().Select(r => MetadataReference.CreateFromFile(r)), MetadataReference.CreateFromFile(typeof(IIncrementalGenerator).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(_project, "obj")).FullName, "MessagesGenerator.dll");
        var emitted = compilation.Emit(path);
        emitted.Success.Should().BeTrue(string.Join('\n', emitted.Diagnostics));
        return path;
    }

    private static IEnumerable<string> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll"));

    public void Dispose() => Directory.Delete(_project, recursive: true);
}
