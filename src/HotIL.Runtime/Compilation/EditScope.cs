using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HotIL.Compilation;

/// <summary>
/// Decides which files the edits since the running program's sources need compiled in full, and provides a
/// compilation with those in full and stubbed (see <see cref="BodyStubber"/>) only the other files they may depend
/// on (see <see cref="DeclarationClosure"/>). A body-only edit cannot change the IL of any other file; an edit of
/// declarations can change only the IL of files that mention what it declared (<see cref="DeclarationEdits"/>).
/// So comparing the methods of the files compiled in full is enough.
/// </summary>
internal sealed class EditScope
{
    private SyntaxTree[] _accepted = [];
    private SyntaxTree[] _stubs = [];
    private Dictionary<string, int> _indexByPath = [];
    private readonly Dictionary<int, HashSet<string>> _mentions = [];
    private CSharpCompilation? _template;
    private DeclarationClosure? _closure;
    private int _generatedFrom;

    /// <summary>Whether compiles may stub unedited files (false before the first accept, or when two trees share a path).</summary>
    public bool CanCompilePartially => _template != null;

    /// <summary>Records the trees (the project's, then the generated ones) the running program now matches.</summary>
    public void Accept(CSharpCompilation compilation, IReadOnlyList<SyntaxTree> generated)
    {
        var trees = compilation.SyntaxTrees.Concat(generated).ToArray();
        if (_stubs.Length > 0 && SamePaths(trees, _accepted))
        {
            // Same files: restub only what changed.
            for (var i = 0; i < trees.Length; i++)
            {
                if (SameText(trees[i], _accepted[i])) continue;
                _stubs[i] = BodyStubber.Stub(trees[i]);
                _closure?.Replace(i, _stubs[i]);
                _mentions.Remove(i);
            }
        }
        else
        {
            _stubs = [];
            _closure = null;
            _mentions.Clear();
            _indexByPath = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < trees.Length; i++) _indexByPath.TryAdd(trees[i].FilePath, i);
        }
        _accepted = trees;
        _generatedFrom = compilation.SyntaxTrees.Length;
        // Two trees of one path could not be told apart in the PDB: such a project always compiles in full.
        _template = _indexByPath.Count == trees.Length ? compilation : null;
    }

    /// <summary>The accepted tree of <paramref name="path"/>, or null when no accepted tree has that path.</summary>
    public SyntaxTree? Accepted(string path) => _indexByPath.TryGetValue(path, out var index) ? _accepted[index] : null;

    /// <summary>
    /// The trees to compile in full since <see cref="Accept"/>: the edited ones, and where an edit changed declarations
    /// (added, removed or re-declared members and types, a constant's value), every file that mentions one of their
    /// names, since only those can bind differently. Null when the whole project must compile: a file was added,
    /// removed or renamed, an edit changed usings or assembly attributes, or a source generator's output changed its
    /// declarations.
    /// </summary>
    public IReadOnlyList<SyntaxTree>? FilesToCompileInFull(IEnumerable<SyntaxTree> project, IReadOnlyList<SyntaxTree> generated)
    {
        if (_template == null) return null;
        var current = project.Concat(generated).ToArray();
        if (!SamePaths(current, _accepted)) return null;
        var inFull = new SortedSet<int>();
        var changedNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < current.Length; i++)
        {
            if (SameText(current[i], _accepted[i])) continue;
            inFull.Add(i);
            if (IsBodyOnly(_accepted[i], current[i])) continue;
            if (i >= _generatedFrom || DeclarationEdits.ChangedNames(_accepted[i], current[i]) is not { } names) return null;
            changedNames.UnionWith(names);
        }
        if (changedNames.Count > 0)
            for (var i = 0; i < current.Length; i++)
                if (!inFull.Contains(i) && Mentions(i).Overlaps(changedNames)) inFull.Add(i);
        return inFull.Select(i => current[i]).ToList();
    }

    // The identifiers an accepted file uses anywhere, bodies included.
    private HashSet<string> Mentions(int file)
    {
        if (_mentions.TryGetValue(file, out var names)) return names;
        names = _accepted[file].GetRoot().DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText).ToHashSet(StringComparer.Ordinal);
        _mentions[file] = names;
        return names;
    }

    /// <summary>
    /// The edited trees (<paramref name="inFull"/>) with the stubs of the accepted files they may depend on.
    /// </summary>
    public CSharpCompilation WithInFull(IReadOnlyList<SyntaxTree> inFull)
    {
        if (_template == null) throw new InvalidOperationException("nothing accepted yet");
        if (_stubs.Length == 0) _stubs = _accepted.Select(BodyStubber.Stub).ToArray();
        _closure ??= new DeclarationClosure(_stubs, _generatedFrom);
        var edited = inFull.ToDictionary(t => _indexByPath[t.FilePath]);
        var needed = _closure.Of(edited.Select(e => (e.Key, e.Value)).ToList());
        var trees = Enumerable.Range(0, _stubs.Length)
            .Where(needed.Contains)
            .Select(i => edited.TryGetValue(i, out var tree) ? tree : _stubs[i]);
        return _template.RemoveAllSyntaxTrees().AddSyntaxTrees(trees);
    }

    private static bool IsBodyOnly(SyntaxTree before, SyntaxTree after)
    {
        if (!SyntaxFactory.AreEquivalent(before, after, topLevel: true)) return false;
        // Top-level equivalence ignores initializers of non-constant fields and properties, yet they
        // run inside constructors that may live in another (stubbed) file. An edit inside a lambda of an
        // initializer stays in that lambda's own method: the constructor only makes the delegate.
        var a = Initializers(before);
        var b = Initializers(after);
        return a.Count == b.Count && a.Zip(b).All(p => SyntaxFactory.AreEquivalent(p.First, p.Second, topLevel: false) || OutsideLambdaBodies(p.First) == OutsideLambdaBodies(p.Second));
    }

    // The initializer's tokens outside the bodies of its lambdas.
    private static string OutsideLambdaBodies(SyntaxNode initializer)
    {
        var text = new System.Text.StringBuilder();
        foreach (var token in initializer.DescendantTokens(n => n.Parent is not AnonymousFunctionExpressionSyntax lambda || lambda.Body != n))
            text.Append(token.Text).Append(' ');
        return text.ToString();
    }

    private static List<EqualsValueClauseSyntax> Initializers(SyntaxTree tree) =>
        tree.GetRoot().DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<EqualsValueClauseSyntax>().ToList();

    private static bool SamePaths(SyntaxTree[] a, SyntaxTree[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => string.Equals(p.First.FilePath, p.Second.FilePath, StringComparison.Ordinal));

    private static bool SameText(SyntaxTree a, SyntaxTree b) => ReferenceEquals(a, b) || a.GetText().ContentEquals(b.GetText());
}
