using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace HotIL.Compilation;

/// <summary>
/// A piece of source the compiler turns into a method of its own: a lambda, an anonymous method, a local
/// function, or an expression of a query clause (<c>where x &gt; 1</c> becomes a lambda).
/// </summary>
/// <param name="Node">The node that identifies it (the lambda, the local function, or the clause's expression).</param>
/// <param name="Body">The code that becomes the method's body; its sequence points lie inside it.</param>
/// <param name="Kind">What it is; for a local function, also its name.</param>
/// <param name="Member">The type member it is written in, by declaration (not by position).</param>
/// <param name="Context">Where it sits in its statement (<c>arg1 call:MapGet("/x")</c>, <c>+= Bus.Fired</c>), to tell its neighbours apart.</param>
internal sealed record FunctionSyntax(SyntaxNode Node, SyntaxNode Body, string Kind, string Member, string Context)
{
    /// <summary>The function it is nested in, or null at the top of its member.</summary>
    public FunctionSyntax? Parent { get; set; }

    /// <summary>Its parameter list as written (without whitespace), empty for query clauses.</summary>
    public string Parameters { get; init; } = "";
}

/// <summary>Finds the <see cref="FunctionSyntax"/> of a syntax tree and which one a body's source span belongs to.</summary>
internal sealed class FunctionSyntaxIndex
{
    private readonly List<FunctionSyntax> _functions = [];
    private readonly SourceText _text;

    public FunctionSyntaxIndex(SyntaxTree tree)
    {
        _text = tree.GetText();
        var byBody = new Dictionary<SyntaxNode, FunctionSyntax>();
        foreach (var node in tree.GetRoot().DescendantNodes())
            foreach (var function in FunctionsAt(node))
            {
                _functions.Add(function);
                byBody.TryAdd(function.Body, function);
            }
        foreach (var function in _functions)
            function.Parent = function.Node.Ancestors().Select(a => byBody.GetValueOrDefault(a)).FirstOrDefault(f => f != null && f != function);
    }

    /// <summary>Every function of the tree, in source order.</summary>
    public IReadOnlyList<FunctionSyntax> Functions => _functions;

    /// <summary>The innermost function whose body holds the whole span (1-based lines and columns, as in a PDB).</summary>
    public FunctionSyntax? At(int startLine, int startColumn, int endLine, int endColumn)
    {
        if (startLine < 1 || endLine > _text.Lines.Count) return null;
        var start = _text.Lines[startLine - 1].Start + startColumn - 1;
        var end = _text.Lines[endLine - 1].Start + endColumn - 1;
        FunctionSyntax? best = null;
        foreach (var f in _functions)
            if (f.Body.Span.Start <= start && end <= f.Body.Span.End && (best == null || f.Body.Span.Length < best.Body.Span.Length)) best = f;
        return best;
    }

    private static IEnumerable<FunctionSyntax> FunctionsAt(SyntaxNode node)
    {
        switch (node)
        {
            case AnonymousFunctionExpressionSyntax lambda:
                yield return new FunctionSyntax(lambda, lambda.Body, lambda is AnonymousMethodExpressionSyntax ? "delegate" : "lambda", MemberOf(lambda), ContextOf(lambda))
                {
                    Parameters = lambda switch
                    {
                        ParenthesizedLambdaExpressionSyntax p => Compact(p.ParameterList),
                        SimpleLambdaExpressionSyntax s => Compact(s.Parameter),
                        AnonymousMethodExpressionSyntax a when a.ParameterList != null => Compact(a.ParameterList),
                        _ => "",
                    },
                };
                break;
            case LocalFunctionStatementSyntax local when ((SyntaxNode?)local.Body ?? local.ExpressionBody?.Expression) is { } body:
                yield return new FunctionSyntax(local, body, "local " + local.Identifier.ValueText, MemberOf(local), "") { Parameters = Compact(local.ParameterList) };
                break;
            case QueryClauseSyntax or SelectOrGroupClauseSyntax or OrderingSyntax:
                foreach (var (expression, role) in QueryLambdas(node))
                    yield return new FunctionSyntax(expression, expression, "query " + role, MemberOf(node), ContextOf(node.FirstAncestorOrSelf<QueryExpressionSyntax>() ?? node));
                break;
        }
    }

    // The expressions of a query that the compiler turns into lambdas. The first from clause is the source, not a lambda.
    private static IEnumerable<(ExpressionSyntax, string)> QueryLambdas(SyntaxNode clause)
    {
        switch (clause)
        {
            case FromClauseSyntax from when from.Parent is QueryBodySyntax: yield return (from.Expression, "from"); break;
            case LetClauseSyntax let: yield return (let.Expression, "let"); break;
            case WhereClauseSyntax where: yield return (where.Condition, "where"); break;
            case JoinClauseSyntax join: yield return (join.LeftExpression, "join-outer"); yield return (join.RightExpression, "join-inner"); break;
            case OrderingSyntax ordering: yield return (ordering.Expression, "orderby"); break;
            case SelectClauseSyntax select: yield return (select.Expression, "select"); break;
            case GroupClauseSyntax group: yield return (group.GroupExpression, "group"); yield return (group.ByExpression, "by"); break;
        }
    }

    // The member the code is written in, named by its declaration: moving it in the file or editing
    // other members does not change the name.
    private static string MemberOf(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case GlobalStatementSyntax: return "<top-level statements>";
                case MethodDeclarationSyntax m: return TypeOf(m) + "::" + m.Identifier.ValueText + Arity(m.TypeParameterList) + Compact(m.ParameterList);
                case ConstructorDeclarationSyntax c: return TypeOf(c) + (c.Modifiers.Any(SyntaxKind.StaticKeyword) ? "::.cctor" : "::.ctor") + Compact(c.ParameterList);
                case DestructorDeclarationSyntax d: return TypeOf(d) + "::Finalize";
                case OperatorDeclarationSyntax o: return TypeOf(o) + "::operator " + o.OperatorToken.ValueText + Compact(o.ParameterList);
                case ConversionOperatorDeclarationSyntax c: return TypeOf(c) + "::operator " + c.ImplicitOrExplicitKeyword.ValueText + " " + Compact(c.Type) + Compact(c.ParameterList);
                case AccessorDeclarationSyntax a: return MemberOf(a) + "." + a.Keyword.ValueText;
                case PropertyDeclarationSyntax p: return TypeOf(p) + "::" + p.Identifier.ValueText;
                case IndexerDeclarationSyntax i: return TypeOf(i) + "::this" + Compact(i.ParameterList);
                case EventDeclarationSyntax e: return TypeOf(e) + "::" + e.Identifier.ValueText;
                case VariableDeclaratorSyntax v when v.Parent?.Parent is BaseFieldDeclarationSyntax: return TypeOf(v) + "::" + v.Identifier.ValueText;
                case BaseTypeDeclarationSyntax t: return TypeOf(t) + "::<declaration>";
            }
        }
        return "<file>";
    }

    private static string TypeOf(SyntaxNode node)
    {
        var names = new List<string>();
        for (var n = node is BaseTypeDeclarationSyntax ? node : node.Parent; n != null; n = n.Parent)
        {
            if (n is TypeDeclarationSyntax t) names.Add(t.Identifier.ValueText + Arity(t.TypeParameterList));
            else if (n is BaseTypeDeclarationSyntax b) names.Add(b.Identifier.ValueText);
            else if (n is BaseNamespaceDeclarationSyntax ns) names.Add(ns.Name.ToString());
        }
        names.Reverse();
        return string.Join(".", names);
    }

    private static string Arity(TypeParameterListSyntax? list) => list == null ? "" : "`" + list.Parameters.Count;

    // Where the function sits in its statement, up to the function or member around it: the calls, arguments,
    // assignments and declarations it is part of, with the names and literal arguments that tell neighbours apart.
    private static string ContextOf(SyntaxNode node)
    {
        var text = new StringBuilder();
        for (var (child, parent) = (node, node.Parent); parent != null; (child, parent) = (parent, parent.Parent))
        {
            switch (parent)
            {
                case ArgumentSyntax argument when argument.Parent is BaseArgumentListSyntax list:
                    text.Append(" arg").Append(list.Arguments.IndexOf(argument));
                    if (argument.NameColon != null) text.Append(':').Append(argument.NameColon.Name.Identifier.ValueText);
                    break;
                case InvocationExpressionSyntax call when child == call.ArgumentList:
                    text.Append(" call:").Append(CalledName(call.Expression)).Append(Literals(call.ArgumentList));
                    break;
                case BaseObjectCreationExpressionSyntax creation when child == creation.ArgumentList:
                    text.Append(" new:").Append(creation is ObjectCreationExpressionSyntax o ? Compact(o.Type) : "").Append(Literals(creation.ArgumentList));
                    break;
                case AssignmentExpressionSyntax assignment when child == assignment.Right:
                    text.Append(' ').Append(assignment.OperatorToken.ValueText).Append(' ').Append(Compact(assignment.Left));
                    break;
                case VariableDeclaratorSyntax declarator:
                    text.Append(" var:").Append(declarator.Identifier.ValueText);
                    break;
                case ArgumentListSyntax or BracketedArgumentListSyntax or EqualsValueClauseSyntax or VariableDeclarationSyntax:
                    break;
                case StatementSyntax statement:
                    return text.Append(' ').Append(statement.Kind()).ToString().TrimStart();
                case MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or ArrowExpressionClauseSyntax or AccessorDeclarationSyntax:
                    return text.Append(' ').Append(parent.Kind()).ToString().TrimStart();
                default:
                    text.Append(' ').Append(parent.Kind());
                    break;
            }
        }
        return text.ToString().TrimStart();
    }

    private static string CalledName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax b => b.Name.Identifier.ValueText,
        SimpleNameSyntax s => s.Identifier.ValueText,
        _ => expression.Kind().ToString(),
    };

    // Routes, event names and keys are literals: they tell apart two lambdas passed to the same method.
    private static string Literals(BaseArgumentListSyntax? arguments) =>
        arguments == null ? "" : "(" + string.Join(",", arguments.Arguments.Select(a => a.Expression is LiteralExpressionSyntax l ? l.Token.Text : "_")) + ")";

    /// <summary>The tokens' text without whitespace.</summary>
    public static string CompactTokens(SyntaxTokenList tokens) => string.Concat(tokens.Select(t => t.Text));

    /// <summary>The node's text without whitespace, so that reformatting does not make it another declaration.</summary>
    public static string Compact(SyntaxNode? node)
    {
        if (node == null) return "";
        var text = new StringBuilder();
        foreach (var token in node.DescendantTokens()) text.Append(token.Text);
        return text.ToString();
    }
}
