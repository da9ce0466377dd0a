using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HotIL.Compilation;

/// <summary>
/// Turns a source file into its declarations: every member body it can safely drop becomes
/// <c>throw null</c>. Binding and lowering bodies is most of a compile, so a compilation of the
/// edited files in full and every other file stubbed emits in a fraction of the time, with the
/// same types, members, signatures, constants and field initializers.
/// </summary>
/// <remarks>
/// Bodies are kept where dropping them would change a declaration or the code of another member:
/// constructors of partial types (they run the field initializers of all parts of the type), accessors that use <c>field</c>
/// (it declares the backing field), members of types with a primary constructor (captured parameters become
/// fields), and files with top-level statements (their statements decide the entry point's signature).
/// Iterators become <c>yield break</c> and async methods stay async, so that each still starts a state
/// machine of the same name and fields: the method's own IL (the kick-off) is then the same as the real one's.
/// </remarks>
internal sealed class BodyStubber : CSharpSyntaxRewriter
{
    private static readonly BlockSyntax ThrowingBlock =
        SyntaxFactory.Block(SyntaxFactory.ThrowStatement(SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression)));

    private static readonly BlockSyntax EmptyIterator = SyntaxFactory.Block(SyntaxFactory.YieldStatement(SyntaxKind.YieldBreakStatement));

    private static readonly ArrowExpressionClauseSyntax ThrowingArrow =
        SyntaxFactory.ArrowExpressionClause(SyntaxFactory.ThrowExpression(SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression)));

    // A stub in a file of #line directives (Razor's output) is mapped back to the file itself: in a hidden region its
    // code would have no line information, and the session, which tells stubs by the documents of their lines, would
    // take it for code compiled in full.
    private static readonly SyntaxTriviaList DefaultLine = SyntaxFactory.ParseLeadingTrivia("\n#line default\n");
    private static readonly BlockSyntax MappedThrowingBlock = AfterDefaultLine(ThrowingBlock);
    private static readonly BlockSyntax MappedEmptyIterator = AfterDefaultLine(EmptyIterator);
    private static readonly ArrowExpressionClauseSyntax MappedThrowingArrow = AfterDefaultLine(ThrowingArrow);

    private static readonly BodyStubber Instance = new(mapped: false);
    private static readonly BodyStubber MappedInstance = new(mapped: true);

    private readonly BlockSyntax _throwingBlock;
    private readonly BlockSyntax _emptyIterator;
    private readonly ArrowExpressionClauseSyntax _throwingArrow;

    private BodyStubber(bool mapped)
    {
        _throwingBlock = mapped ? MappedThrowingBlock : ThrowingBlock;
        _emptyIterator = mapped ? MappedEmptyIterator : EmptyIterator;
        _throwingArrow = mapped ? MappedThrowingArrow : ThrowingArrow;
    }

    /// <summary>The declarations of <paramref name="tree"/>, under the same path and options.</summary>
    public static SyntaxTree Stub(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        if (root.ChildNodes().Any(n => n is GlobalStatementSyntax)) return tree;
        var stubber = root.DescendantTrivia(n => n.ContainsDirectives).Any(t => t.IsKind(SyntaxKind.LineDirectiveTrivia) || t.IsKind(SyntaxKind.LineSpanDirectiveTrivia))
            ? MappedInstance
            : Instance;
        return tree.WithRootAndOptions(stubber.Visit(root), tree.Options);
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        if (KeepsBody(node)) return node;
        if (node.Body != null && IsIterator(node.Body)) return node.WithBody(_emptyIterator);
        return node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);
    }

    // Constructors of partial types keep their bodies: their IL also holds the field initializers of every part,
    // so a stubbed body would mix into the code of a constructor being compared. Elsewhere only the body goes; the
    // base or this call before it stays, as it is part of the declaration.
    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node) =>
        KeepsBody(node) || InPartialType(node) ? node
            : node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);

    public override SyntaxNode? VisitDestructorDeclaration(DestructorDeclarationSyntax node) =>
        KeepsBody(node) ? node : node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node) =>
        KeepsBody(node) ? node : node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node) =>
        KeepsBody(node) ? node : node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        if (KeepsBody(node)) return node;
        if (node.Body != null && IsIterator(node.Body)) return node.WithBody(_emptyIterator);
        return node.WithBody(node.Body == null ? null : _throwingBlock).WithExpressionBody(node.ExpressionBody == null ? null : _throwingArrow);
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        if (node.ExpressionBody == null) return base.VisitPropertyDeclaration(node);
        return KeepsBody(node) ? node : node.WithExpressionBody(_throwingArrow);
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        if (node.ExpressionBody == null) return base.VisitIndexerDeclaration(node);
        return KeepsBody(node) ? node : node.WithExpressionBody(_throwingArrow);
    }

    // The node, its first token preceded by #line default on a line of its own.
    private static T AfterDefaultLine<T>(T node) where T : SyntaxNode
    {
        var first = node.GetFirstToken();
        return node.ReplaceToken(first, first.WithLeadingTrivia(DefaultLine.AddRange(first.LeadingTrivia)));
    }

    private static bool KeepsBody(SyntaxNode member) =>
        InTypeWithPrimaryConstructor(member) || member.DescendantNodes().Any(n => n.IsKind(SyntaxKind.FieldExpression));

    // A yield of the member itself, not of a lambda or local function inside it.
    private static bool IsIterator(BlockSyntax body) =>
        body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<YieldStatementSyntax>().Any();

    private static bool InPartialType(SyntaxNode member) =>
        member.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault() is { } type && type.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static bool InTypeWithPrimaryConstructor(SyntaxNode member) =>
        member.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault() is { ParameterList: not null } type && type is not RecordDeclarationSyntax;
}
