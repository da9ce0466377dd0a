using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using HotIL.Package.Tests.Support;
using HotIL.Weaver;
using Xunit.Abstractions;

namespace HotIL.Package.Tests;

/// <summary>How the package behaves inside builds: incrementality, design-time builds, PDBs, several projects, settings.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class BuildBehaviourTests(LocalFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public void No_change_rebuild_neither_reweaves_nor_touches_any_output()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Build("Ticker", "Debug", "-v:n").Should().Contain("message HOTIL0100: wove", "the first build weaves");
        var before = Stamps(project.PathOf("Ticker"));

        var rebuild = project.Build("Ticker", "Debug", "-v:n");

        rebuild.Should().NotContain("HOTIL0100").And.NotContain("HOTIL0101", "nothing is woven again");
        rebuild.Should().Contain("Skipping target \"HotILWeave\" because all output files are up-to-date");
        Stamps(project.PathOf("Ticker")).Should().Equal(before, "no file under bin/ or obj/ was written");
    }

    [Fact]
    public void Design_time_build_neither_weaves_nor_writes_HotIL_files_but_sees_the_runtime_API()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Dotnet("restore", "Ticker");

        var json = project.Dotnet("msbuild", "Ticker", "-t:Compile", "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true",
            "-p:ProvideCommandLineArgs=true", "-p:Configuration=Debug", "-getItem:CscCommandLineArgs");

        var arguments = JsonDocument.Parse(json).RootElement.GetProperty("Items").GetProperty("CscCommandLineArgs")
            .EnumerateArray().Select(a => a.GetProperty("Identity").GetString()!).ToArray();
        arguments.Should().Contain(a => a.StartsWith("/define:", StringComparison.Ordinal) && a.Contains("HOTIL"), "code under #if HOTIL stays live in the editor");
        arguments.Should().Contain(a => a.StartsWith("/reference:", StringComparison.Ordinal) && a.EndsWith("HotIL.Runtime.dll", StringComparison.Ordinal));
        var intermediate = project.PathOf("Ticker/obj/Debug/net10.0");
        Directory.EnumerateFiles(intermediate).Select(Path.GetFileName).Should()
            .NotContain(f => f!.Contains("hotil", StringComparison.OrdinalIgnoreCase), "a design-time build writes no HotIL file")
            .And.NotContain("Ticker.dll", "nothing was compiled, so nothing was woven");
    }

    [Fact]
    public void Woven_build_keeps_a_matching_pdb_so_stack_traces_show_source_lines()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Build("Ticker", "Debug");
        var assembly = project.OutputAssembly("Ticker", "Debug");

        PdbIdInAssembly(assembly).Should().Equal(PdbId(Path.ChangeExtension(assembly, ".pdb")), "the woven assembly names the woven PDB");
        using var app = project.Start("Ticker", "Debug", null, "--throw");
        var trace = app.WaitForExit(Patience);
        // Rules.Fail() throws on its second line; the first frame below the exception is the user's method, not a forwarder.
        var throwLine = Array.FindIndex(File.ReadAllLines(project.PathOf("Ticker/Rules.cs")), l => l.Contains("throw new")) + 1;
        // (The frame's name ends in a zero-width space: the moved body, named to read like the original; decision 0002.)
        trace.Should().MatchRegex($@"at Ticker\.Rules\.Fail\u200B?\(\) in .*Rules\.cs:line {throwLine}");
    }

    [Fact]
    public void Solution_with_an_app_and_two_libraries_reloads_each_project()
    {
        using var project = ConsumerProject.Create(feed, "Solution");
        project.Build("App", "Debug");
        File.Exists(Path.Combine(project.OutputDirectory("App", "Debug"), "LibA.hotil.json")).Should().BeTrue("each library's manifest flows to the app");

        using var app = project.Start("App", "Debug");
        foreach (var name in new[] { "App", "LibA", "LibB" })
            app.WaitForError(l => l == $"[HotIL] watching {project.PathOf(name)} for changes to {name} [HOTIL4002]", Patience);
        app.WaitForLine(l => l.Contains("word=hello total=") && l.EndsWith("mark=a", StringComparison.Ordinal), Patience);

        project.Edit("LibA/Greeting.cs", "\"hello\"", "\"bonjour\"");
        app.WaitForLine(l => l.Contains("word=bonjour"), Patience);
        project.Edit("LibB/Counter.cs", "=> 1;", "=> 100;");
        var first = Total(app.WaitForLine(l => l.Contains("word=bonjour"), Patience));
        app.WaitForLine(l => Total(l) - first >= 100, Patience);
        project.Edit("App/Program.cs", "=> \"a\";", "=> \"b\";");
        app.WaitForLine(l => l.EndsWith("mark=b", StringComparison.Ordinal), Patience);

        foreach (var name in new[] { "LibA", "LibB", "App" })
            app.StandardError.Should().Contain($"[HotIL] {name}: generation 2 applied");
        output.WriteLine(app.StandardError);
    }

    [Fact]
    public void Types_and_methods_named_by_HotILExclude_are_not_woven_and_an_edit_to_them_is_rejected_with_the_reason()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Edit("Ticker/Ticker.csproj", "</Project>", """
              <ItemGroup>
                <HotILExclude Include="Ticker.Rules.Describe" />
              </ItemGroup>
            </Project>
            """);
        var build = project.Build("Ticker", "Debug", "-v:d");

        var slots = Manifest.FromJson(File.ReadAllText(Path.Combine(project.OutputDirectory("Ticker", "Debug"), "Ticker.hotil.json"))).Slots;
        slots.Should().Contain(s => s.StartsWith("Ticker.Rules::Next(", StringComparison.Ordinal));
        slots.Should().NotContain(s => s.StartsWith("Ticker.Rules::Describe(", StringComparison.Ordinal));
        build.Should().Contain("message HOTIL0102: Ticker.Rules.Describe() is not woven: excluded by HotILExclude 'Ticker.Rules.Describe'");

        using var app = project.Start("Ticker", "Debug");
        app.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        project.Edit("Ticker/Rules.cs", "\"plus-one\"", "\"changed\"");
        var rejected = app.WaitForError(l => l.Contains("HOTIL1011"), Patience);
        rejected.Should().Contain("Rules.cs(7,").And.Contain("excluded by HotILExclude 'Ticker.Rules.Describe'");
    }

    [Fact]
    public void Visual_Basic_project_asking_for_HotIL_gets_warning_HOTIL0006_and_an_unwoven_build()
    {
        using var project = ConsumerProject.Create(feed, "VbApp");
        project.Build("VbApp", "Debug").Should().NotContain("HOTIL0006", "HotIL stays off quietly when only the Debug default asked for it");

        var build = project.Build("VbApp", "Release", "-p:HotILEnabled=true");

        build.Should().Contain("warning HOTIL0006: HotILEnabled is true but HotIL recompiles C# only and this project is VB");
        Directory.EnumerateFiles(project.OutputDirectory("VbApp", "Release")).Select(Path.GetFileName)
            .Should().NotContain(f => f!.Contains("HotIL", StringComparison.OrdinalIgnoreCase));
    }

    private static int Total(string line) => int.Parse(line.Split("total=")[1].Split(' ')[0]);

    // Every file under bin/ and obj/ with its last write time and length, in a stable order.
    private static string[] Stamps(string projectDirectory) =>
        [.. new[] { "bin", "obj" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(projectDirectory, d), "*", SearchOption.AllDirectories))
            .Select(f => $"{Path.GetRelativePath(projectDirectory, f)} {File.GetLastWriteTimeUtc(f):O} {new FileInfo(f).Length}")
            .Order(StringComparer.Ordinal)];

    // The CodeView entry's GUID and stamp form the ID of the PDB the assembly was built with.
    private static byte[] PdbIdInAssembly(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var codeView = pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var data = pe.ReadCodeViewDebugDirectoryData(codeView);
        return [.. data.Guid.ToByteArray(), .. BitConverter.GetBytes(codeView.Stamp)];
    }

    private static byte[] PdbId(string pdb)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
        return [.. provider.GetMetadataReader().DebugMetadataHeader!.Id];
    }
}
