using System.Text.RegularExpressions;
using HotIL.Package.Tests.Support;

namespace HotIL.Package.Tests;

/// <summary>docs/diagnostics.md lists exactly the IDs the code can produce.</summary>
public sealed partial class DiagnosticsDocumentationTests
{
    [Fact]
    public void Every_diagnostic_ID_in_the_sources_is_documented_and_every_documented_ID_is_used()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var used = sources.SelectMany(f => Id().Matches(File.ReadAllText(f)).Select(m => m.Value)).ToHashSet();
        var documented = DocumentedRow().Matches(File.ReadAllText(Path.Combine(Repository.Root, "docs", "diagnostics.md")))
            .Select(m => m.Groups[1].Value).ToHashSet();

        used.Except(documented).Should().BeEmpty("every ID the code can produce has a row in docs/diagnostics.md");
        documented.Except(used).Should().BeEmpty("every documented ID is produced somewhere");
    }

    [GeneratedRegex(@"HOTIL\d{4}")]
    private static partial Regex Id();

    [GeneratedRegex(@"^\| (HOTIL\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedRow();
}
