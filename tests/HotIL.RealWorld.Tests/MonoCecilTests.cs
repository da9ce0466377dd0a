using System.Diagnostics;
using HotIL.RealWorld.Tests.Drivers;
using HotIL.RealWorld.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.RealWorld.Tests;

/// <summary>Woven Mono.Cecil against the shipped one: reading and rewriting real assemblies.</summary>
public sealed class MonoCecilTests(ITestOutputHelper output)
{
    [Fact]
    public void Woven_Cecil_reads_and_rewrites_every_shared_framework_assembly_to_the_same_bytes_as_the_original() =>
        RoundTrip(SourceSets.SharedFramework, fullIl: false);

    [LargeCorpusFact]
    public void Woven_Cecil_reads_every_instruction_operand_of_the_shared_framework_like_the_original() =>
        RoundTrip(SourceSets.SharedFramework.Concat(SourceSets.Framework).ToArray(), fullIl: true);

    [Fact]
    public void Woven_Cecil_rewrites_assemblies_with_their_portable_pdbs_to_the_same_bytes_as_the_original()
    {
        var withPdbs = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => File.Exists(Path.ChangeExtension(p, ".pdb")))
            .Order(StringComparer.Ordinal)
            .ToArray();
        withPdbs.Select(Path.GetFileName).Should().Contain(["Microsoft.CodeAnalysis.CSharp.dll", "Mono.Cecil.dll", "HotIL.Weaver.dll"]);
        RoundTrip(withPdbs, fullIl: true);
    }

    [Fact]
    public void HotIL_weaver_running_on_woven_Cecil_weaves_Json_NET_to_the_same_bytes_as_on_the_original_Cecil()
    {
        Subject[] cecil = [Subjects.Get(Subjects.MonoCecil), Subjects.Get(Subjects.MonoCecilRocks)];
        var json = Subjects.Get(Subjects.NewtonsoftJson).Original;
        byte[] WeaveOn(bool woven)
        {
            using var side = Side.With(woven, cecil, "HotIL.Weaver");
            return side.Call<byte[]>(nameof(CecilDriver), nameof(CecilDriver.WeaveWithThisCecil), json);
        }
        var onWoven = WeaveOn(woven: true);
        var onOriginal = WeaveOn(woven: false);
        output.WriteLine($"woven Json.NET: {onWoven.Length:N0} bytes");
        onWoven.Should().Equal(onOriginal);
    }

    private void RoundTrip(string[] paths, bool fullIl)
    {
        var subject = Subjects.Get(Subjects.MonoCecil);
        output.WriteLine(subject.Describe());
        output.WriteLine($"corpus: {paths.Length} assemblies, {paths.Sum(p => new FileInfo(p).Length):N0} bytes");

        var (woven, wovenTime) = Run(Side.Woven(subject), paths, fullIl);
        var (original, originalTime) = Run(Side.Original(subject), paths, fullIl);
        output.WriteLine($"woven {wovenTime:F0} ms, original {originalTime:F0} ms");
        foreach (var line in original.Take(5)) output.WriteLine("  " + line);

        Comparison.ShouldMatch(woven, original, "Cecil round trips");
        original.Count(l => l.Contains(" ! ", StringComparison.Ordinal)).Should().BeLessThan(Math.Max(1, paths.Length / 20), "almost every file is an assembly Cecil reads");
    }

    private static (string[] Lines, double Milliseconds) Run(Side side, string[] paths, bool fullIl)
    {
        using (side)
        {
            var clock = Stopwatch.StartNew();
            var lines = side.Call<string[]>(nameof(CecilDriver), nameof(CecilDriver.RoundTrip), paths, fullIl);
            return (lines, clock.Elapsed.TotalMilliseconds);
        }
    }
}
