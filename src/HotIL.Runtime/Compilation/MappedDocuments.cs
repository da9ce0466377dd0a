using Microsoft.CodeAnalysis;

namespace HotIL.Compilation;

/// <summary>
/// The documents <c>#line</c> directives map code to: Razor maps a page's or component's generated C# to its .cshtml or
/// .razor file, and the PDB names that file, not the generated one. A compile of edited files counts such a document as
/// compiled in full only when no other file maps code to it too (every page maps a little to _ViewImports.cshtml).
/// </summary>
internal static class MappedDocuments
{
    /// <summary>The documents only <paramref name="edited"/> map code to.</summary>
    /// <param name="edited">The trees compiled in full.</param>
    /// <param name="all">Every tree of the compilation, generated ones included.</param>
    public static IEnumerable<string> OwnedBy(IReadOnlyList<SyntaxTree> edited, IEnumerable<SyntaxTree> all)
    {
        var editedPaths = edited.Select(t => t.FilePath).ToHashSet(StringComparer.Ordinal);
        var elsewhere = all.Where(t => !editedPaths.Contains(t.FilePath)).SelectMany(MappedPaths).ToHashSet(StringComparer.Ordinal);
        return edited.SelectMany(MappedPaths).Where(p => !elsewhere.Contains(p)).Distinct(StringComparer.Ordinal);
    }

    /// <summary>Each document that exactly one of <paramref name="trees"/> maps code to, with that tree.</summary>
    public static Dictionary<string, SyntaxTree> SoleOwners(IEnumerable<SyntaxTree> trees) =>
        trees.SelectMany(t => MappedPaths(t).Distinct(StringComparer.Ordinal).Select(path => (Path: path, Tree: t)))
            .GroupBy(m => m.Path, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Tree, StringComparer.Ordinal);

    // Only trees with #line directives have mapped spans; others cost a scan of their directives.
    private static IEnumerable<string> MappedPaths(SyntaxTree tree) =>
        tree.GetRoot().ContainsDirectives
            ? tree.GetLineMappings().Where(m => m.MappedSpan.HasMappedPath).Select(m => m.MappedSpan.Path)
            : [];
}
