using System.Reflection.Metadata.Ecma335;
using HotIL.Tests.Support;
using HotIL.Weaver;

namespace HotIL.Tests;

public sealed class WovenAssemblyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-weave-").FullName;

    private const string Source = "namespace Sample; public static class Greeter { public static string Hello(string name) => $\"hello {name}\"; }";

    [Fact]
    public void Weaving_a_file_rewrites_assembly_and_pdb_and_writes_the_manifest()
    {
        var (dll, pdb) = WriteCompiled();
        var outcome = Weave(dll);

        outcome.Result.Slots.Should().ContainSingle(s => s.Key.DisplayName == "Sample.Greeter.Hello(System.String)");
        outcome.Warnings.Should().BeEmpty();
        File.ReadAllBytes(dll).Should().NotEqual(TestCompiler.Compile("Sample", Source).Assembly);
        File.Exists(pdb).Should().BeTrue();
        var manifest = Manifest.FromJson(File.ReadAllText(ManifestPath));
        manifest.Slots.Should().Equal(outcome.Result.Slots.Select(s => s.Key.Value));
        manifest.AssemblyName.Should().Be("Sample");
        Directory.GetFiles(_directory, "*.hotil-tmp").Should().BeEmpty("temporary files are renamed into place");
    }

    [Fact]
    public void Weaving_a_woven_file_again_leaves_it_byte_for_byte_unchanged()
    {
        var (dll, _) = WriteCompiled();
        Weave(dll);
        var woven = File.ReadAllBytes(dll);

        Weave(dll).Result.AlreadyWoven.Should().BeTrue();

        File.ReadAllBytes(dll).Should().Equal(woven);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.05)]
    public void Truncated_assembly_fails_with_HOTIL0001_and_the_file_is_left_intact(double keep)
    {
        var (dll, _) = WriteCompiled();
        var bytes = File.ReadAllBytes(dll);
        var truncated = bytes[..(int)(bytes.Length * keep)];
        File.WriteAllBytes(dll, truncated);

        var weave = () => Weave(dll);

        weave.Should().Throw<WeaveException>().Which.Id.Should().Be("HOTIL0001");
        File.ReadAllBytes(dll).Should().Equal(truncated);
        File.Exists(ManifestPath).Should().BeFalse();
    }

    [Fact]
    public void Assembly_with_a_mismatched_pdb_is_woven_without_line_information_and_a_warning()
    {
        var (dll, pdb) = WriteCompiled();
        File.WriteAllBytes(pdb, TestCompiler.Compile("Sample", Source + " public class Other {}").Pdb);

        var outcome = Weave(dll);

        outcome.Warnings.Should().ContainSingle(w => w.Id == "HOTIL0003");
        outcome.Result.Slots.Should().NotBeEmpty();
    }

    // A PDB Cecil cannot read costs line information, not the build: the assembly itself is fine.
    [Theory]
    [InlineData("truncated")]
    [InlineData("not a PDB")]
    [InlineData("sequence points longer than the blob heap")]
    [InlineData("sequence points with a length prefix the format forbids")]
    public void Assembly_with_a_corrupt_pdb_is_woven_without_line_information_and_a_warning(string corruption)
    {
        var (dll, pdb) = WriteCompiled();
        var bytes = File.ReadAllBytes(pdb);
        File.WriteAllBytes(pdb, corruption switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "not a PDB" => System.Text.Encoding.UTF8.GetBytes("not a PDB at all"),
            "sequence points longer than the blob heap" => WithSequencePointsLength(bytes, 0xDF),
            _ => WithSequencePointsLength(bytes, 0xE0),
        });
        if (corruption.StartsWith("sequence", StringComparison.Ordinal))
            ImageValidation.FindPdbProblem(File.ReadAllBytes(pdb)).Should().NotBeNull("Cecil would size a list by the length it reads");

        var outcome = Weave(dll);

        outcome.Warnings.Should().ContainSingle(w => w.Id == "HOTIL0003").Which.Message.Should().Contain("woven without line information");
        outcome.Result.Slots.Should().NotBeEmpty();
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(dll);
        module.Types.Should().Contain(t => t.Name == Registry.TypeName, "the assembly on disk is the woven one");
    }

    // The first method's sequence-point blob gets a 4-byte length prefix: 0xDF... is about 500 MB; 0xE0... is forbidden,
    // which System.Reflection.Metadata reads as an empty blob and Cecil as a 4-byte length.
    private static byte[] WithSequencePointsLength(byte[] pdb, byte prefix)
    {
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbImage(System.Collections.Immutable.ImmutableArray.Create(pdb));
        var metadata = provider.GetMetadataReader();
        var blob = metadata.MethodDebugInformation.Select(h => metadata.GetMethodDebugInformation(h).SequencePointsBlob).First(b => !b.IsNil);
        var at = metadata.GetHeapMetadataOffset(HeapIndex.Blob) + MetadataTokens.GetHeapOffset(blob);
        pdb[at].Should().BeLessThan(0x80, "a short blob has a one-byte length");
        var inflated = (byte[])pdb.Clone();
        inflated[at] = prefix;
        return inflated;
    }

    private string ManifestPath => Path.Combine(_directory, "Sample.hotil.json");

    private (string Dll, string Pdb) WriteCompiled()
    {
        var (image, pdb) = TestCompiler.Compile("Sample", Source);
        var dll = Path.Combine(_directory, "Sample.dll");
        File.WriteAllBytes(dll, image);
        File.WriteAllBytes(Path.ChangeExtension(dll, ".pdb"), pdb);
        return (dll, Path.ChangeExtension(dll, ".pdb"));
    }

    private FileWeaveOutcome Weave(string dll) =>
        WovenAssemblyFile.Weave(dll, ManifestPath, result => new Manifest
        {
            AssemblyName = "Sample", ProjectDirectory = _directory, CompilerArguments = ["Sample.cs"],
            Slots = result.Slots.Select(s => s.Key.Value).ToArray(),
        });

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
