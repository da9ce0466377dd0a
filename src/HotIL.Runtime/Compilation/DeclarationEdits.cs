using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HotIL.Compilation;

/// <summary>
/// What an edit outside member bodies changed, as names: the types and members it added, removed, or declared
/// differently (signature, modifiers, attributes, a constant's value, a type's base list). Code that names none of
/// them binds as it did, so only the files that mention one need compiling in full beside the edited file; the rest
/// can stay stubs (decision 0013, extended). An edit this cannot describe by names (global usings, assembly
/// attributes, top-level statements, extern aliases) answers null: the whole project compiles.
/// </summary>
internal static class DeclarationEdits
{
    /// <summary>The names whose declarations differ between <paramref name="before"/> and <paramref name="after"/>, or null.</summary>
    public static IReadOnlySet<string>? ChangedNames(SyntaxTree before, SyntaxTree after)
    {
        if (!SameFileLevel((CompilationUnitSyntax)before.GetRoot(), (CompilationUnitSyntax)after.GetRoot())) return null;
        var old = Declarations(before);
        var now = Declarations(after);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, (name, node)) in old)
            if (!now.TryGetValue(key, out var other) || !Same(node, other.Node)) names.Add(name);
        foreach (var (key, (name, _)) in now)
            if (!old.ContainsKey(key)) names.Add(name);
        return names;
    }

    // Usings (of the file and of its namespaces), extern aliases and assembly attributes reach every file of the project.
    private static bool SameFileLevel(CompilationUnitSyntax a, CompilationUnitSyntax b) =>
        SyntaxFactory.AreEquivalent(a.Usings, b.Usings, topLevel: false)
        && SyntaxFactory.AreEquivalent(a.Externs, b.Externs, topLevel: false)
        && SyntaxFactory.AreEquivalent(a.AttributeLists, b.AttributeLists, topLevel: false)
        && Namespaces(a).SequenceEqual(Namespaces(b), StringComparer.Ordinal);

    private static IEnumerable<string> Namespaces(CompilationUnitSyntax unit) =>
        unit.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<BaseNamespaceDeclarationSyntax>()
            .Select(n => FunctionSyntaxIndex.Compact(n.Name) + "|" + string.Concat(n.Usings.Select(FunctionSyntaxIndex.Compact)) + "|" + string.Concat(n.Externs.Select(FunctionSyntaxIndex.Compact)));

    // A member as code elsewhere sees it: its declaration without bodies, and a field's initializer (a constant's value).
    private static bool Same(SyntaxNode a, SyntaxNode b) => a switch
    {
        BaseTypeDeclarationSyntax type => Header(type) == Header((BaseTypeDeclarationSyntax)b),
        BaseFieldDeclarationSyntax or EnumMemberDeclarationSyntax => SyntaxFactory.AreEquivalent(a, b, topLevel: false),
        _ => SyntaxFactory.AreEquivalent(a, b, topLevel: true),
    };

    // A type's own declaration: attributes, modifiers, name, type parameters, base list and constraints, not its members.
    private static string Header(BaseTypeDeclarationSyntax type) =>
        string.Concat(type.AttributeLists.Select(FunctionSyntaxIndex.Compact)) + "|" + FunctionSyntaxIndex.CompactTokens(type.Modifiers) + "|" + type.Identifier.ValueText
        + (type is TypeDeclarationSyntax t ? "|" + FunctionSyntaxIndex.Compact(t.TypeParameterList) + "|" + FunctionSyntaxIndex.Compact(t.ParameterList)
            + "|" + string.Concat(t.ConstraintClauses.Select(FunctionSyntaxIndex.Compact)) : "")
        + "|" + FunctionSyntaxIndex.Compact(type.BaseList);

    // Every type and member declaration, by where it is and what it is (overloads apart), with the name code uses for it.
    private static Dictionary<string, (string Name, SyntaxNode Node)> Declarations(SyntaxTree tree)
    {
        var found = new Dictionary<string, (string, SyntaxNode)>(StringComparer.Ordinal);
        foreach (var node in tree.GetRoot().DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or BaseTypeDeclarationSyntax))
        {
            foreach (var (name, signature) in Named(node))
                found.TryAdd(Container(node) + "|" + node.Kind() + "|" + name + signature, (name, node));
        }
        return found;
    }

    private static IEnumerable<(string Name, string Signature)> Named(SyntaxNode node)
    {
        switch (node)
        {
            case BaseTypeDeclarationSyntax type: yield return (type.Identifier.ValueText, type is TypeDeclarationSyntax t ? FunctionSyntaxIndex.Compact(t.TypeParameterList) : ""); break;
            case DelegateDeclarationSyntax d: yield return (d.Identifier.ValueText, FunctionSyntaxIndex.Compact(d.TypeParameterList)); break;
            case MethodDeclarationSyntax m: yield return (m.Identifier.ValueText, FunctionSyntaxIndex.Compact(m.TypeParameterList) + FunctionSyntaxIndex.Compact(m.ParameterList)); break;
            case ConstructorDeclarationSyntax c: yield return (c.Identifier.ValueText, FunctionSyntaxIndex.Compact(c.ParameterList) + FunctionSyntaxIndex.CompactTokens(c.Modifiers)); break;
            case DestructorDeclarationSyntax d: yield return (d.Identifier.ValueText, "~"); break;
            case OperatorDeclarationSyntax o: yield return ("op_" + o.OperatorToken.ValueText, FunctionSyntaxIndex.Compact(o.ParameterList)); break;
            case ConversionOperatorDeclarationSyntax c: yield return ("op_" + c.ImplicitOrExplicitKeyword.ValueText, FunctionSyntaxIndex.Compact(c.Type) + FunctionSyntaxIndex.Compact(c.ParameterList)); break;
            case PropertyDeclarationSyntax p: yield return (p.Identifier.ValueText, ""); break;
            case IndexerDeclarationSyntax i: yield return ("this", FunctionSyntaxIndex.Compact(i.ParameterList)); break;
            case EventDeclarationSyntax e: yield return (e.Identifier.ValueText, ""); break;
            case BaseFieldDeclarationSyntax f:
                foreach (var v in f.Declaration.Variables) yield return (v.Identifier.ValueText, "");
                break;
            case EnumMemberDeclarationSyntax e: yield return (e.Identifier.ValueText, ""); break;
        }
    }

    private static string Container(SyntaxNode node) =>
        string.Join(".", node.Ancestors().Reverse().Select(a => a switch
        {
            BaseTypeDeclarationSyntax t => t.Identifier.ValueText,
            BaseNamespaceDeclarationSyntax n => n.Name.ToString(),
            _ => null,
        }).OfType<string>());
}
