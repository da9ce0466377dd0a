using System.Security.Cryptography;
using HotIL.RealWorld.Tests.Support;
using HotIL.Weaver;
using Xunit.Abstractions;

namespace HotIL.RealWorld.Tests;

/// <summary>
/// The woven subjects written to disk (see <see cref="WovenOutputFactAttribute"/>), each two ways: in memory as the other
/// tests weave them (<c>memory/</c>: no registration), and as the build's weaving step weaves a file in place, with its
/// manifest (<c>file/</c>). Weaving is deterministic (Cecil writes with a deterministic MVID and PDB ID), so two runs of
/// the same weaver give the same bytes.
/// </summary>
public sealed class WovenOutputTests(ITestOutputHelper output)
{
    private static readonly string[] Names =
        [Subjects.NewtonsoftJson, Subjects.MonoCecil, Subjects.MonoCecilRocks, Subjects.CodeAnalysis, Subjects.CodeAnalysisCSharp];

    [WovenOutputFact]
    public void Woven_subjects_are_written_with_their_hashes()
    {
        var root = Path.GetFullPath(Environment.GetEnvironmentVariable(WovenOutputFactAttribute.Variable)!);
        Directory.CreateDirectory(Path.Combine(root, "memory"));
        Directory.CreateDirectory(Path.Combine(root, "file"));
        foreach (var name in Names)
        {
            var subject = Subjects.WeaveFresh(name);
            File.WriteAllBytes(Path.Combine(root, "memory", name + ".dll"), subject.Woven);
            if (subject.WovenPdb != null) File.WriteAllBytes(Path.Combine(root, "memory", name + ".pdb"), subject.WovenPdb);
            File.WriteAllLines(Path.Combine(root, "memory", name + ".slots.txt"), Describe(subject.Result));
            WeaveAsTheBuildDoes(name, Path.Combine(root, "file"));
        }

        var sums = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => f != "SHA256SUMS")
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, f))))}  {f}")
            .ToArray();
        File.WriteAllLines(Path.Combine(root, "SHA256SUMS"), sums);
        foreach (var line in sums) output.WriteLine(line);
    }

    // The path of the woven file is baked into the module (the manifest's), so the files are woven in one fixed
    // folder, whatever the output folder, and copied from there.
    private static void WeaveAsTheBuildDoes(string name, string destination)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "hotil-woven-output");
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        Directory.CreateDirectory(scratch);
        var dll = Path.Combine(scratch, name + ".dll");
        File.Copy(Subjects.PathOf(name), dll);
        var pdb = Path.ChangeExtension(Subjects.PathOf(name), ".pdb");
        if (File.Exists(pdb)) File.Copy(pdb, Path.ChangeExtension(dll, ".pdb"));
        var manifest = Path.Combine(scratch, name + ".hotil.json");

        var outcome = WovenAssemblyFile.Weave(dll, manifest, result => new Manifest
        {
            AssemblyName = name,
            ProjectDirectory = scratch,
            CompilerArguments = [],
            Slots = result.Slots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
            GenericSlots = result.GenericSlots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
        }, [Subjects.PathOf(name)]);
        outcome.Warnings.Should().BeEmpty();

        foreach (var file in Directory.GetFiles(scratch)) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        Directory.Delete(scratch, recursive: true);
    }

    private static IEnumerable<string> Describe(WeaveResult result) =>
        result.Slots.Select(s => $"slot {s.Index} {s.Key.Value}")
            .Concat(result.GenericSlots.Select(s => $"generic {s.Index} {s.Key.Value}"))
            .Concat(result.Skipped.Select(s => $"skipped {s.Key.Value}: {s.Reason}"));
}
