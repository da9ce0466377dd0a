using System.Text.RegularExpressions;
using HotIL.Package.Tests.Support;

namespace HotIL.Package.Tests;

/// <summary>The README's stage table is a map to the code: every row names a type declared in the file it names.</summary>
public sealed partial class ReadmeStageTableTests
{
    [Fact]
    public void Every_stage_names_a_type_declared_in_the_file_it_names()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = readme[readme.IndexOf("### The pipeline, stage by stage", StringComparison.Ordinal)..];
        var rows = Row().Matches(section[..section.IndexOf("\n\n", section.IndexOf("|---", StringComparison.Ordinal), StringComparison.Ordinal)]);

        rows.Should().HaveCountGreaterThan(10, "the table lists weave, watch, compile and every stage of the pipeline");
        foreach (Match row in rows)
        {
            var (stage, type, file) = (row.Groups["stage"].Value, row.Groups["type"].Value, row.Groups["file"].Value);
            var path = Path.Combine(Repository.Root, file);
            File.Exists(path).Should().BeTrue($"stage '{stage}' names {file}");
            File.ReadAllText(path).Should().MatchRegex($@"\b(class|record|struct|interface)\s+{Regex.Escape(type)}\b", $"stage '{stage}' says {file} declares {type}");
        }
    }

    [GeneratedRegex(@"^\| (?<stage>[^|]+?) \| [^|]+ \| `(?<type>\w+)` \| `(?<file>[^`]+)` \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
