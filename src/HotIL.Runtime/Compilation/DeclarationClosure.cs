using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HotIL.Compilation;

/// <summary>
/// Which stubbed files a partial compile needs beside the edited ones: every file that declares a type any
/// included file could name, repeated until nothing new comes in, plus the files that are in scope without
/// being named. The rest of the project cannot change how the edited files bind, so leaving it out gives
/// the same IL for them at a cost that follows what they use, not the size of the project.
/// </summary>
/// <remarks>
/// Names are matched as plain identifiers, so the set errs on the large side: every project type whose
/// simple name appears in an included file is in, whatever the identifier meant. Always in: files with
/// extension methods (overload resolution sees them without a name), global usings, assembly or module
/// attributes, an entry point, types of <c>System</c>/<c>Microsoft</c> namespaces (polyfills the
/// compiler looks up by itself), and generated files.
/// </remarks>
internal sealed class DeclarationClosure
{
    private readonly FileFacts[] _files;
    private readonly int _generatedFrom;
    private readonly Dictionary<string, List<int>> _declaringFiles = new(StringComparer.Ordinal);

    /// <param name="stubs">The project's files as they are compiled when not edited (declarations).</param>
    /// <param name="generatedFrom">Index of the first generated file: those are always in, since a generator's output
    /// (e.g. an interceptor) may apply to code that does not name it.</param>
    public DeclarationClosure(IReadOnlyList<SyntaxTree> stubs, int generatedFrom)
    {
        _generatedFrom = generatedFrom;
        _files = stubs.Select(Facts).ToArray();
        for (var i = 0; i < _files.Length; i++) Index(i);
    }

    /// <summary>Takes the new stub of file <paramref name="index"/> (after an accepted edit) without reading the others again.</summary>
    public void Replace(int index, SyntaxTree stub)
    {
        foreach (var name in _files[index].Declares) _declaringFiles[name].Remove(index);
        _files[index] = Facts(stub, index);
        Index(index);
    }

    private FileFacts Facts(SyntaxTree stub, int index)
    {
        var facts = FileFacts.Of(stub);
        return index >= _generatedFrom ? facts with { AlwaysInScope = true } : facts;
    }

    private void Index(int file)
    {
        foreach (var name in _files[file].Declares)
        {
            if (!_declaringFiles.TryGetValue(name, out var list)) _declaringFiles[name] = list = [];
            list.Add(file);
        }
    }

    /// <summary>
    /// Indexes of the files to compile with the edited files (<paramref name="edited"/>, given by index with
    /// their full text), the edited ones included.
    /// </summary>
    public IReadOnlySet<int> Of(IReadOnlyList<(int Index, SyntaxTree Tree)> edited)
    {
        var included = new HashSet<int>();
        var pending = new Queue<IEnumerable<string>>();
        foreach (var (index, tree) in edited)
        {
            included.Add(index);
            pending.Enqueue(FileFacts.Of(tree).Names);
        }
        for (var i = 0; i < _files.Length; i++)
            if (_files[i].AlwaysInScope && included.Add(i)) pending.Enqueue(_files[i].Names);
        while (pending.TryDequeue(out var names))
            foreach (var name in names)
                if (_declaringFiles.TryGetValue(name, out var declaring))
                    foreach (var file in declaring)
                        if (included.Add(file)) pending.Enqueue(_files[file].Names);
        return included;
    }

    /// <summary>What one file declares, the names it uses (its declarations among them), and whether it is in scope regardless.</summary>
    private sealed record FileFacts(HashSet<string> Declares, HashSet<string> Names, bool AlwaysInScope)
    {
        public static FileFacts Of(SyntaxTree tree)
        {
            var root = (CompilationUnitSyntax)tree.GetRoot();
            var declares = new HashSet<string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var always = root.Usings.Any(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
                         || root.AttributeLists.Count > 0
                         || root.Members.OfType<GlobalStatementSyntax>().Any()
                         || root.Externs.Count > 0;
            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case ExtensionBlockDeclarationSyntax:
                        always = true;
                        break;
                    case BaseTypeDeclarationSyntax type:
                        declares.Add(type.Identifier.ValueText);
                        always |= IsFrameworkNamespace(type);
                        break;
                    case DelegateDeclarationSyntax @delegate:
                        declares.Add(@delegate.Identifier.ValueText);
                        always |= IsFrameworkNamespace(@delegate);
                        break;
                    case MethodDeclarationSyntax method:
                        always |= method.Identifier.ValueText == "Main"
                                  || method.ParameterList.Parameters.FirstOrDefault()?.Modifiers.Any(SyntaxKind.ThisKeyword) == true;
                        break;
                    case SimpleNameSyntax name:
                        names.Add(name.Identifier.ValueText);
                        // [Obsolete] names ObsoleteAttribute.
                        if (IsAttributeName(name)) names.Add(name.Identifier.ValueText + "Attribute");
                        break;
                }
            }
            // A type declared here may have other parts elsewhere: they come in with it.
            names.UnionWith(declares);
            return new FileFacts(declares, names, always);
        }

        private static bool IsAttributeName(SimpleNameSyntax name)
        {
            SyntaxNode node = name;
            while (node.Parent is QualifiedNameSyntax q && q.Right == node || node.Parent is AliasQualifiedNameSyntax a && a.Name == node) node = node.Parent;
            return node.Parent is AttributeSyntax;
        }

        private static bool IsFrameworkNamespace(SyntaxNode declaration)
        {
            var space = declaration.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().LastOrDefault()?.Name.ToString();
            return space != null && (space == "System" || space.StartsWith("System.", StringComparison.Ordinal) ||
                                     space == "Microsoft" || space.StartsWith("Microsoft.", StringComparison.Ordinal));
        }
    }
}
