using System.Text.RegularExpressions;
using HotIL.Package.Tests.Support;
using Microsoft.CodeAnalysis.CSharp;

namespace HotIL.Package.Tests;

/// <summary>
/// One catalogue of diagnostic IDs (src/HotIL.Weaver/Shared/DiagnosticIds.cs): docs/diagnostics.md lists exactly its
/// IDs, every one of them is raised somewhere, and no other C# source spells an ID out. The catalogue is read as text,
/// not through the weaver's (internal) type, so this test depends on the files alone.
/// </summary>
public sealed partial class DiagnosticsDocumentationTests
{
    private static readonly string Source = Path.Combine(Repository.Root, "src");
    private static readonly string CataloguePath = Path.Combine(Source, "HotIL.Weaver", "Shared", "DiagnosticIds.cs");

    [Fact]
    public void The_catalogue_holds_exactly_the_documented_IDs()
    {
        var catalogued = Catalogue();
        var documented = DocumentedRow().Matches(File.ReadAllText(Path.Combine(Repository.Root, "docs", "diagnostics.md")))
            .Select(m => m.Groups[1].Value).ToList();

        catalogued.Select(c => c.Id).Should().OnlyHaveUniqueItems("one constant per ID");
        documented.Should().OnlyHaveUniqueItems("one row per ID");
        catalogued.Select(c => c.Id).Should().BeEquivalentTo(documented, "every ID in DiagnosticIds has a row in docs/diagnostics.md and every row an ID in DiagnosticIds");
    }

    [Fact]
    public void Every_catalogued_ID_is_raised_somewhere()
    {
        // C# raises an ID through its constant; the MSBuild targets, which cannot read C#, spell it out.
        var code = string.Join('\n', SourceFiles(".cs").Where(f => f != CataloguePath).Select(File.ReadAllText));
        var targets = string.Join('\n', SourceFiles(".targets").Select(File.ReadAllText));

        var unused = Catalogue()
            .Where(c => !Regex.IsMatch(code, $@"\bDiagnosticIds\.{c.Name}\b") && !targets.Contains(c.Id, StringComparison.Ordinal))
            .Select(c => $"{c.Name} ({c.Id})");

        unused.Should().BeEmpty("a catalogued ID that nothing raises is a documented diagnostic that cannot happen");
    }

    [Fact]
    public void No_CSharp_source_but_the_catalogue_spells_out_an_ID()
    {
        // Tokens, not trivia: a comment may name an ID, a string literal (or any other token) may not.
        var spelled = SourceFiles(".cs")
            .Where(f => f != CataloguePath)
            .SelectMany(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f)).GetRoot().DescendantTokens()
                .Where(t => Id().IsMatch(t.Text))
                .Select(t => $"{Path.GetRelativePath(Repository.Root, f)}:{t.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {t.Text}"));

        spelled.Should().BeEmpty("IDs are named through HotIL.Weaver.DiagnosticIds, so the catalogue is the one list");
    }

    /// <summary>Each <c>public const string Name = "HOTILnnnn";</c> of the catalogue.</summary>
    private static List<(string Name, string Id)> Catalogue()
    {
        var constants = CatalogueConstant().Matches(File.ReadAllText(CataloguePath)).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        constants.Should().NotBeEmpty("DiagnosticIds.cs declares the IDs as constants");
        return constants;
    }

    private static IEnumerable<string> SourceFiles(string extension) =>
        Directory.EnumerateFiles(Source, "*" + extension, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [GeneratedRegex(@"HOTIL\d{4}")]
    private static partial Regex Id();

    [GeneratedRegex(@"^\| (HOTIL\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedRow();

    [GeneratedRegex(@"public const string (\w+) = ""(HOTIL\d{4})"";")]
    private static partial Regex CatalogueConstant();
}
