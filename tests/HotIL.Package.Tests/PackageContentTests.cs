using System.IO.Compression;
using System.Xml.Linq;
using HotIL.Package.Tests.Support;

namespace HotIL.Package.Tests;

/// <summary>What the two packages hold and declare, read from the .nupkg files this run packed.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class PackageContentTests(LocalFeed feed)
{
    [Fact]
    public void HotIL_MSBuild_is_a_development_dependency_without_dependencies_holding_targets_task_and_runtime()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath("HotIL.MSBuild"));
        var files = package.Entries.Select(e => e.FullName).ToArray();
        var metadata = Nuspec(package);

        metadata.Element(metadata.Name.Namespace + "developmentDependency")?.Value.Should().Be("true");
        metadata.Element(metadata.Name.Namespace + "dependencies").Should().BeNull("a default Release build must restore nothing of HotIL");
        files.Should().Contain(["build/HotIL.MSBuild.props", "build/HotIL.MSBuild.targets",
            "tasks/net10.0/HotIL.MSBuild.dll", "tasks/net10.0/HotIL.Weaver.dll", "tasks/net10.0/Mono.Cecil.dll",
            "runtime/net10.0/HotIL.Runtime.dll", "runtime/net10.0/HotIL.Weaver.dll", "runtime/net10.0/Mono.Cecil.dll",
            "runtime/net10.0/Microsoft.CodeAnalysis.dll", "runtime/net10.0/Microsoft.CodeAnalysis.CSharp.dll", "runtime/net10.0/HotIL.AspNetCore.dll"]);
        files.Should().NotContain(f => f.StartsWith("lib/", StringComparison.Ordinal), "nothing is referenced unless HotIL is enabled");
        files.Should().NotContain(f => f.StartsWith("tasks/", StringComparison.Ordinal) && (f.Contains("Microsoft.Build") || f.Contains("CodeAnalysis")),
            "the task folder holds no MSBuild or Roslyn assembly that could clash with MSBuild's own");
    }

    [Fact]
    public void HotIL_Runtime_holds_the_runtime_and_its_weaver_and_depends_on_Roslyn_and_Cecil()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath("HotIL.Runtime"));
        var files = package.Entries.Select(e => e.FullName).ToArray();
        var metadata = Nuspec(package);
        var ns = metadata.Name.Namespace;

        files.Should().Contain(["lib/net10.0/HotIL.Runtime.dll", "lib/net10.0/HotIL.Runtime.xml", "lib/net10.0/HotIL.Weaver.dll"]);
        metadata.Descendants(ns + "dependency").Select(d => $"{d.Attribute("id")!.Value} {d.Attribute("version")!.Value}")
            .Should().BeEquivalentTo("Microsoft.CodeAnalysis.CSharp 5.9.0", "Mono.Cecil 0.11.6");
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }
}
