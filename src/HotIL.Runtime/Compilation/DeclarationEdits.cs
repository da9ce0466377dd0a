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
            if (!now.TryGetValue(key, out var other) || !Same(node, other.Node))
                if (!InsideWholeType(node, now)) AddName(names, name, node);
        foreach (var (key, (name, node)) in now)
            if (!old.ContainsKey(key) && !InsideWholeType(node, old)) AddName(names, name, node);
        return names;
    }

    // An attribute class is named without its suffix where it is applied: [Noted] binds to NotedAttribute.
    private static void AddName(HashSet<string> names, string name, SyntaxNode node)
    {
        names.Add(name);
        if (node is BaseTypeDeclarationSyntax && name.Length > "Attribute".Length && name.EndsWith("Attribute", StringComparison.Ordinal))
            names.Add(name[..^"Attribute".Length]);
    }

    // Whether node is a member of a type that this edit added or removed whole (no declaration of it on the other
    // side). Code elsewhere reaches such a member only by naming the type, whose own name is already changed, so the
    // member's name would only pull in files that use the same word for something else ("Name", "ToString").
    // Not for partial types (another file may hold the rest) nor for types that declare extensions, which code
    // finds by the member's name alone.
    private static bool InsideWholeType(SyntaxNode node, Dictionary<string, (string Name, SyntaxNode Node)> otherSide)
    {
        foreach (var type in node.Ancestors().OfType<BaseTypeDeclarationSyntax>())
        {
            if (type.Modifiers.Any(SyntaxKind.PartialKeyword) || DeclaresExtensions(type)) return false;
            if (Named(type).Any(n => !otherSide.ContainsKey(Container(type) + "|" + type.Kind() + "|" + n.Name + n.Signature))) return true;
        }
        return false;
    }

    private static bool DeclaresExtensions(BaseTypeDeclarationSyntax type) =>
        type.DescendantNodes().Any(n => n is ExtensionBlockDeclarationSyntax
            || n is MethodDeclarationSyntax { ParameterList.Parameters: [var first, ..] } && first.Modifiers.Any(SyntaxKind.ThisKeyword));

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
