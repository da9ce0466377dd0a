using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mono.Cecil;

namespace HotIL.Compilation;

/// <summary>
/// Decides which lambda, anonymous method, query clause and local function of a new compilation continues
/// which one of the running program, by their place in the source rather than by the compiler's ordinal
/// names (which an inserted lambda renumbers), the way Edit and Continue maps lambdas with a syntax map.
/// Within each member, functions are matched level by level (a lambda's nested lambdas only among
/// themselves): local functions by name, then unchanged ones with a unique twin, then the rest in order
/// where their context agrees (the call, argument, assignment or declaration they sit in), preferring
/// unchanged text and parameters, and last any pair left that is the only one of its context.
/// </summary>
internal static class LambdaMatcher
{
    /// <summary>Renames the generated members of <paramref name="module"/> to the running program's names (see <see cref="ClosureNames"/>).</summary>
    /// <param name="module">The new compilation's module.</param>
    /// <param name="previous">The running program's snapshot: where each of its function bodies is in <paramref name="previousTree"/>.</param>
    /// <param name="generation">The generation the module may become.</param>
    /// <param name="previousTree">The source the running program was compiled from, by path.</param>
    /// <param name="currentTree">The source the module was compiled from, by path.</param>
    public static IReadOnlyList<StaleClosure> Canonicalize(ModuleDefinition module, ModuleSnapshot previous, int generation,
        Func<string, SyntaxTree?> previousTree, Func<string, SyntaxTree?> currentTree) =>
        ClosureNames.Canonicalize(module, Match(module, previous, previousTree, currentTree), previous, generation);

    /// <summary>New lambda and local function bodies of <paramref name="module"/> → the running methods they continue.</summary>
    public static Dictionary<MethodDefinition, MethodKey> Match(ModuleDefinition module, ModuleSnapshot previous,
        Func<string, SyntaxTree?> previousTree, Func<string, SyntaxTree?> currentTree)
    {
        var matches = new Dictionary<MethodDefinition, MethodKey>();
        var news = module.GetTypes().Where(GeneratedCode.IsUserOrClosure).SelectMany(t => t.Methods).Where(GeneratedCode.IsFunctionBody)
            .Select(m => (Method: m, Span: GeneratedCode.BodySpanOf(m))).Where(m => m.Span != null).ToLookup(m => m.Span!.Document);
        // Only the documents compiled now can hold a body to match: the rest of the running program is not indexed.
        var documents = news.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var olds = previous.Methods.Values.Where(m => m.BodySpan is { } span && documents.Contains(span.Document)).ToLookup(m => m.BodySpan!.Document);
        foreach (var document in news)
        {
            var (before, after) = (previousTree(document.Key), currentTree(document.Key));
            if (before == null || after == null || !olds.Contains(document.Key)) continue;
            if (before.GetText().ContentEquals(after.GetText())) MatchBySpan(document, olds[document.Key], matches);
            else MatchBySyntax(document, olds[document.Key], new FunctionSyntaxIndex(before), new FunctionSyntaxIndex(after), matches);
        }
        MatchWithoutSource(module, previous, matches);
        return matches;
    }

    // Bodies with no line information (code a generator wrote without #line, such as Razor's tag-helper lambdas) have
    // no place to match by: one whose code, signature, member and closure are those of exactly one such running body
    // is that body; anything else is new.
    private static void MatchWithoutSource(ModuleDefinition module, ModuleSnapshot previous, Dictionary<MethodDefinition, MethodKey> matches)
    {
        var taken = matches.Values.ToHashSet();
        var olds = previous.Methods.Values
            .Where(m => m.BodySpan == null && !taken.Contains(m.Key) && (GeneratedCode.IsLambdaName(m.Key.Name) || GeneratedCode.IsLocalFunctionName(m.Key.Name)))
            .GroupBy(m => Identity(m.Key, m.Fingerprint)).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Key);
        if (olds.Count == 0) return;
        var news = module.GetTypes().Where(GeneratedCode.IsUserOrClosure).SelectMany(t => t.Methods)
            .Where(m => GeneratedCode.IsFunctionBody(m) && !matches.ContainsKey(m) && GeneratedCode.BodySpanOf(m) == null)
            .GroupBy(m => Identity(MethodKey.For(m), Fingerprint.Of(m))).Where(g => g.Count() == 1);
        foreach (var group in news)
            if (olds.TryGetValue(group.Key, out var key)) matches[group.Single()] = key;
    }

    // The key without the compiler's ordinals (<Render>b__12_0 → <Render>b__), and the code.
    private static string Identity(MethodKey key, string fingerprint)
    {
        var name = key.Name;
        var ordinal = name.IndexOf(">b__", StringComparison.Ordinal) is > 0 and var b ? b + 4 : name.IndexOf('|') is > 0 and var l ? l : name.Length;
        return key.DeclaringTypeFullName + "::" + name[..ordinal] + key.Value[key.Value.IndexOf('(')..] + "|" + fingerprint;
    }

    // Unchanged text: a body is where it was.
    private static void MatchBySpan(IEnumerable<(MethodDefinition Method, SourceSpan? Span)> news, IEnumerable<MethodShape> olds, Dictionary<MethodDefinition, MethodKey> matches)
    {
        var bySpan = olds.GroupBy(o => o.BodySpan!).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Key);
        foreach (var (method, span) in news)
            if (bySpan.TryGetValue(span!, out var key)) matches[method] = key;
    }

    private static void MatchBySyntax(IEnumerable<(MethodDefinition Method, SourceSpan? Span)> news, IEnumerable<MethodShape> olds,
        FunctionSyntaxIndex before, FunctionSyntaxIndex after, Dictionary<MethodDefinition, MethodKey> matches)
    {
        var oldKeys = Single(olds.Select(o => (Function: At(before, o.BodySpan!), o.Key)));
        var newMethods = Single(news.Select(n => (Function: At(after, n.Span!), n.Method)));
        foreach (var (old, @new) in FunctionPairs(before.Functions, after.Functions))
            if (oldKeys.TryGetValue(old, out var key) && newMethods.TryGetValue(@new, out var method)) matches[method] = key;
    }

    private static FunctionSyntax? At(FunctionSyntaxIndex index, SourceSpan span) => index.At(span.StartLine, span.StartColumn, span.EndLine, span.EndColumn);

    // A function the compiler made two methods of cannot be told apart: neither is matched.
    private static Dictionary<FunctionSyntax, T> Single<T>(IEnumerable<(FunctionSyntax? Function, T Value)> located) =>
        located.Where(l => l.Function != null).GroupBy(l => l.Function!).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Value);

    /// <summary>Pairs of old and new functions that are the same function, member by member and level by level.</summary>
    public static List<(FunctionSyntax Old, FunctionSyntax New)> FunctionPairs(IReadOnlyList<FunctionSyntax> before, IReadOnlyList<FunctionSyntax> after)
    {
        var pairs = new List<(FunctionSyntax, FunctionSyntax)>();
        var oldChildren = before.ToLookup(f => f.Parent);
        var newChildren = after.ToLookup(f => f.Parent);
        var oldMembers = before.Where(f => f.Parent == null).ToLookup(f => f.Member);
        foreach (var member in after.Where(f => f.Parent == null).GroupBy(f => f.Member))
            MatchLevel([.. oldMembers[member.Key]], [.. member], oldChildren, newChildren, pairs);
        return pairs;
    }

    private static void MatchLevel(List<FunctionSyntax> olds, List<FunctionSyntax> news, ILookup<FunctionSyntax?, FunctionSyntax> oldChildren,
        ILookup<FunctionSyntax?, FunctionSyntax> newChildren, List<(FunctionSyntax, FunctionSyntax)> pairs)
    {
        if (olds.Count == 0 || news.Count == 0) return;
        var level = new List<(FunctionSyntax Old, FunctionSyntax New)>();
        PairUnique(olds, news, level, (o, n) => o.Kind == n.Kind && o.Context == n.Context && SyntaxFactory.AreEquivalent(o.Node, n.Node));
        PairInOrder(olds, news, level);
        PairUnique(olds, news, level, (o, n) => o.Kind == n.Kind && o.Context == n.Context);
        foreach (var (old, @new) in level)
        {
            pairs.Add((old, @new));
            MatchLevel([.. oldChildren[old]], [.. newChildren[@new]], oldChildren, newChildren, pairs);
        }
    }

    // Pairs an old and a new function that fit each other and nothing else left on either side (a local function's
    // kind holds its name, so this also pairs local functions by name). Paired functions leave both lists.
    private static void PairUnique(List<FunctionSyntax> olds, List<FunctionSyntax> news, List<(FunctionSyntax, FunctionSyntax)> level,
        Func<FunctionSyntax, FunctionSyntax, bool> fit)
    {
        foreach (var old in olds.ToList())
        {
            var candidates = news.Where(n => fit(old, n)).Take(2).ToList();
            if (candidates.Count != 1 || olds.Count(o => fit(o, candidates[0])) != 1) continue;
            level.Add((old, candidates[0]));
            olds.Remove(old);
            news.Remove(candidates[0]);
        }
    }

    // The heaviest common subsequence of the two lists, where functions of the same kind and context may pair, the
    // more alike the heavier: an inserted or removed lambda shifts none of its neighbours.
    private static void PairInOrder(List<FunctionSyntax> olds, List<FunctionSyntax> news, List<(FunctionSyntax, FunctionSyntax)> level)
    {
        var weights = new int[olds.Count + 1, news.Count + 1];
        for (var i = olds.Count - 1; i >= 0; i--)
            for (var j = news.Count - 1; j >= 0; j--)
                weights[i, j] = Math.Max(Math.Max(weights[i + 1, j], weights[i, j + 1]), Weight(olds[i], news[j]) is > 0 and var w ? w + weights[i + 1, j + 1] : 0);
        var paired = new List<(FunctionSyntax, FunctionSyntax)>();
        for (int i = 0, j = 0; i < olds.Count && j < news.Count;)
        {
            var w = Weight(olds[i], news[j]);
            if (w > 0 && weights[i, j] == w + weights[i + 1, j + 1]) { paired.Add((olds[i], news[j])); i++; j++; }
            else if (weights[i, j] == weights[i + 1, j]) i++;
            else j++;
        }
        foreach (var (old, @new) in paired)
        {
            level.Add((old, @new));
            olds.Remove(old);
            news.Remove(@new);
        }
    }

    private static int Weight(FunctionSyntax old, FunctionSyntax @new)
    {
        if (old.Kind != @new.Kind || old.Context != @new.Context) return 0;
        if (SyntaxFactory.AreEquivalent(old.Node, @new.Node)) return 4;
        return old.Parameters == @new.Parameters ? 2 : 1;
    }
}
