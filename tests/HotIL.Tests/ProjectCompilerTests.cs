using System.Diagnostics;
using HotIL.Compilation;
using HotIL.Weaver;
using Xunit.Abstractions;

namespace HotIL.Tests;

/// <summary>The in-process compiler the runtime recompiles with, driven by a recorded command line.</summary>
[Collection("lifetime")]
public sealed class ProjectCompilerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-compile-").FullName;

    [Fact]
    public void Compile_error_is_reported_with_file_line_and_the_compilers_id()
    {
        var (compiler, source) = CreateProject("public static class Rules { public static int Next(int v) => v + 1; }");
        compiler.Update(source, "public static class Rules { public static int Next(int v) => v + ; }");

        var result = compiler.Emit();

        result.Succeeded.Should().BeFalse();
        result.Errors.Should().Contain(e => e.StartsWith(source + "(1,", StringComparison.Ordinal) && e.Contains("error CS1525"));
    }

    [Fact]
    public void Warnings_promoted_to_errors_do_not_block_a_live_edit()
    {
        var (compiler, source) = CreateProject("public static class Rules { public static int Next(int v) => v + 1; }", "/warnaserror+");
        compiler.Update(source, "public static class Rules { public static int Next(int v) { int unused = 0; return v + 2; } }");

        compiler.Emit().Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Two_hundred_warm_recompiles_reuse_the_compilation_and_do_not_grow_the_heap()
    {
        var (compiler, source) = CreateProject(Variant(0));
        for (var i = 1; i <= 10; i++) { compiler.Update(source, Variant(i)); compiler.Emit().Succeeded.Should().BeTrue(); }
        var heapBefore = Heap();

        var times = new List<double>();
        for (var i = 11; i <= 210; i++)
        {
            compiler.Update(source, Variant(i));
            var result = compiler.Emit();
            result.Succeeded.Should().BeTrue();
            times.Add(result.Elapsed.TotalMilliseconds);
        }
        var heapAfter = Heap();

        times.Sort();
        output.WriteLine($"200 warm compiles: p50 {times[100]:0.0} ms, p95 {times[190]:0.0} ms; managed heap {heapBefore / 1048576.0:0.0} → {heapAfter / 1048576.0:0.0} MB");
        (heapAfter - heapBefore).Should().BeLessThan(20L * 1024 * 1024, "old compilations must become garbage");
    }

    [Theory]
    [InlineData("signed with a key file", "/keyfile:../keys/key.snk")]
    [InlineData("public-signed", "/keyfile:../keys/public.snk", "/publicsign+")]
    [InlineData("delay-signed", "/keyfile:../keys/public.snk", "/delaysign+")]
    public void A_strong_named_project_compiles_in_process_with_the_builds_identity(string kind, params string[] signing)
    {
        var keys = Directory.CreateDirectory(Path.Combine(_directory, "keys")).FullName;
        using (var rsa = new System.Security.Cryptography.RSACryptoServiceProvider(1024))
        {
            File.WriteAllBytes(Path.Combine(keys, "key.snk"), rsa.ExportCspBlob(includePrivateParameters: true));
            File.WriteAllBytes(Path.Combine(keys, "public.snk"), rsa.ExportCspBlob(includePrivateParameters: false));
        }
        var project = Directory.CreateDirectory(Path.Combine(_directory, "project")).FullName;
        var (compiler, _) = CreateProjectIn(project, "public static class Rules { public static int Next(int v) => v + 1; }", signing);

        var result = compiler.Emit();

        result.Errors.Should().BeEmpty(kind);
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(new MemoryStream(result.Assembly!));
        module.Assembly.Name.HasPublicKey.Should().BeTrue($"a {kind} project keeps its public key, which friend assemblies name");
    }

    private static string Variant(int i) => $$"""
        namespace Sample;
        public static class Rules { public static int Next(int v) => v + {{i}}; }
        public class Other { public string Describe(int n) => $"n={n}"; }
        """;

    private (ProjectCompiler, string) CreateProject(string text, params string[] extra) => CreateProjectIn(_directory, text, extra);

    private (ProjectCompiler, string) CreateProjectIn(string directory, string text, params string[] extra)
    {
        var source = Path.Combine(directory, "Rules.cs");
        File.WriteAllText(source, text);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal))
            .Select(p => "/reference:" + p);
        var manifest = new Manifest
        {
            AssemblyName = "Sample", ProjectDirectory = directory, Slots = [],
            CompilerArguments = ["/target:library", "/out:Sample.dll", "/nullable:enable", "/debug:portable", .. extra, .. references, "Rules.cs"],
        };
        return (new ProjectCompiler(manifest, message => output.WriteLine(message)), source);
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
