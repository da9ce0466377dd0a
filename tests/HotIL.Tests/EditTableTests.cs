using System.Text.RegularExpressions;

namespace HotIL.Tests;

/// <summary>Keeps docs/edits.md honest: every row names tests that exist, and the published counts add up.</summary>
public partial class EditTableTests
{
    [Fact]
    public void Every_row_of_the_published_edit_table_names_existing_tests_and_the_counts_add_up()
    {
        var root = RepositoryRoot();
        var table = File.ReadAllText(Path.Combine(root, "docs", "edits.md"));
        var sources = string.Join("\n", Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).Select(File.ReadAllText));
        var rows = Row().Matches(table).Select(m => (Id: m.Groups[1].Value, Status: m.Groups[2].Value, Tests: m.Groups[3].Value)).ToList();

        rows.Select(r => r.Id).Should().Equal(Enumerable.Range(1, Rows).Select(i => $"E{i:00}"));
        foreach (var (id, _, tests) in rows)
        {
            var names = TestName().Matches(tests).Select(m => m.Groups[1].Value).ToList();
            names.Should().NotBeEmpty($"row {id} must name its test");
            foreach (var name in names)
            {
                // A test of several rows names each of them: E39_E40_..._what_it_proves.
                if (!(id == "E34" && name.StartsWith("Rude", StringComparison.Ordinal)))
                    name.Split('_').TakeWhile(part => RowId().IsMatch(part)).Should().Contain(id, $"test {name} of row {id} carries the row's ID");
                sources.Should().Contain($" {name}(", $"row {id} names test {name}");
            }
        }
        var applied = rows.Count(r => r.Status.StartsWith("applied", StringComparison.Ordinal));
        table.Should().Contain($"Applied in place: **{applied} of {Rows}** rows");
        table.Should().Contain($"Rejected cleanly: **{rows.Count(r => r.Status.StartsWith("rejected", StringComparison.Ordinal))}**");
        table.Should().Contain($"Reported: **{rows.Count(r => r.Status.StartsWith("reported", StringComparison.Ordinal))}**");
        rows.Should().OnlyContain(r => r.Status.StartsWith("applied") || r.Status.StartsWith("rejected") || r.Status.StartsWith("reported"));
    }

    // Every row of the edit matrix.
    private const int Rows = 57;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HotIL.sln"))) return dir.FullName;
        throw new InvalidOperationException("HotIL.sln not found");
    }

    [GeneratedRegex(@"^\| (E\d\d) \| [^|]+ \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"`([A-Za-z0-9_]+)`")]
    private static partial Regex TestName();

    [GeneratedRegex(@"^E\d\d$")]
    private static partial Regex RowId();
}
