using System.Diagnostics;
using System.Text.RegularExpressions;
using HotIL.Package.Tests.Support;
using Mono.Cecil;
using Xunit.Abstractions;

namespace HotIL.Package.Tests;

/// <summary>
/// A project outside the repository that references only the HotIL.MSBuild package, from the packages
/// this run built: what a user gets in Debug, in a default Release build and in an enabled Release build.
/// </summary>
[Collection(ConsumerCollection.Name)]
public sealed partial class ConsumerTests(LocalFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public void Readme_quickstart_gives_a_new_console_app_that_is_woven_and_reloads_on_save()
    {
        var readme = Quickstart.Read(Path.Combine(Repository.Root, "README.md"));
        using var project = ConsumerProject.Empty(feed, "Quickstart");
        var clock = Stopwatch.StartNew();
        project.Dotnet("new", "console", "-o", "MyApp");
        project.Dotnet("add", "MyApp", "package", "HotIL.MSBuild", "--version", feed.Version);
        File.WriteAllText(project.PathOf("MyApp/Program.cs"), readme.Program);
        project.Build("MyApp", "Debug");
        output.WriteLine($"new console app → woven build: {clock.ElapsedMilliseconds} ms");

        using var app = project.Start("MyApp", "Debug");
        app.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        app.WaitForLine(l => l == readme.Before.Trim('"'), Patience);
        project.Edit("MyApp/Program.cs", readme.Before, readme.After);

        app.WaitForLine(l => l == readme.After.Trim('"'), Patience);
        var applied = app.WaitForError(l => l.Contains("generation 2 applied"), Patience);
        applied.Should().MatchRegex(@"^\[HotIL\] MyApp: generation 2 applied in \d+ ms: 1 changed, 0 added, 0 removed \[HOTIL4003\]$");
        output.WriteLine(app.StandardError);
    }

    [Fact]
    public void Default_Release_build_is_byte_identical_to_a_build_without_the_package_and_ships_no_HotIL_assembly()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Build("Ticker", "Release");
        var withPackage = Snapshot(project.OutputDirectory("Ticker", "Release"));

        project.Edit("Ticker/Ticker.csproj", $"<PackageReference Include=\"HotIL.MSBuild\" Version=\"{feed.Version}\" />", "");
        project.Build("Ticker", "Release", "--no-incremental");
        var without = Snapshot(project.OutputDirectory("Ticker", "Release"));

        withPackage.Keys.Should().BeEquivalentTo(without.Keys, "the output holds the same files");
        foreach (var (file, bytes) in withPackage)
            bytes.Should().Equal(without[file], $"{file} is exactly what the build without HotIL produces");
        withPackage.Keys.Should().NotContain(f => f.Contains("HotIL", StringComparison.OrdinalIgnoreCase) || f.Contains("hotil", StringComparison.Ordinal));
    }

    [Fact]
    public void Release_build_with_HotILEnabled_is_optimized_woven_code_that_reloads_and_calls_update_handlers()
    {
        using var project = ConsumerProject.Create(feed, "Ticker");
        project.Build("Ticker", "Release", "-p:HotILEnabled=true", "-p:HotILVerbosity=Detailed");
        using (var module = ModuleDefinition.ReadModule(project.OutputAssembly("Ticker", "Release")))
        {
            module.Types.Should().Contain(t => t.Name == HotIL.Weaver.Registry.TypeName, "the assembly is woven");
            IsOptimized(module).Should().BeTrue("Release keeps the compiler's optimizations");
        }

        // Release does not watch by default; HOTIL_WATCH=1 turns the watcher on for this run.
        using var app = project.Start("Ticker", "Release", new Dictionary<string, string?> { ["HOTIL_WATCH"] = "1" });
        app.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        app.WaitForLine(l => TickLine.Parse(l)?.Tick >= 3, Patience);
        project.Edit("Ticker/Rules.cs", "value + 1;", "value + 1000;");

        var previous = TickLine.Parse(app.WaitForLine(l => TickLine.Parse(l) != null, Patience))!;
        var clear = app.WaitForLine(l => l.StartsWith("handler=ClearCache", StringComparison.Ordinal), Patience);
        var update = app.WaitForLine(l => l.StartsWith("handler=UpdateApplication", StringComparison.Ordinal), Patience);
        var after = TickLine.Parse(app.WaitForLine(l => TickLine.Parse(l) is { } t && t.Value - previous.Value >= 1000, Patience))!;

        clear.Should().Be("handler=ClearCache types=Ticker.Rules");
        update.Should().Be("handler=UpdateApplication types=Ticker.Rules");
        after.Value.Should().BeGreaterThan(previous.Value + 999, "the counter kept its state and the new body added 1000");
        app.WaitForError(l => l.Contains("[HotIL]   changed Ticker.Rules.Next(System.Int32)"), Patience);
        app.StandardError.Should().Contain("Ticker: generation 2 applied").And.MatchRegex(@"called update handlers with 1 updated type: .*Ticker\.UpdateLog\.ClearCache");
        output.WriteLine(app.StandardError);
    }

    private static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllBytes);

    // The compiler marks unoptimized code with DebuggableAttribute(DisableOptimizations).
    private static bool IsOptimized(ModuleDefinition module)
    {
        var debuggable = module.Assembly.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name == "DebuggableAttribute");
        if (debuggable == null) return true;
        var modes = Convert.ToInt32(debuggable.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (modes & (int)DebuggableAttribute.DebuggingModes.DisableOptimizations) == 0;
    }

    /// <summary>The README's quickstart: its program and the edit it tells the reader to make.</summary>
    private sealed partial record Quickstart(string Program, string Before, string After)
    {
        // The first ```csharp block after "## Quickstart", and the edit written as: change `"X"` to `"Y"`.
        public static Quickstart Read(string readmePath)
        {
            var text = File.ReadAllText(readmePath);
            var section = text[text.IndexOf("## Quickstart", StringComparison.Ordinal)..];
            var code = CodeBlock().Match(section);
            var edit = EditInstruction().Match(section);
            code.Success.Should().BeTrue("the README's quickstart has a C# program");
            edit.Success.Should().BeTrue("the README's quickstart tells which text to change");
            return new Quickstart(code.Groups[1].Value, edit.Groups[1].Value, edit.Groups[2].Value);
        }

        [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
        private static partial Regex CodeBlock();

        [GeneratedRegex(@"change `(""[^`]+"")` to `(""[^`]+"")`")]
        private static partial Regex EditInstruction();
    }
}
