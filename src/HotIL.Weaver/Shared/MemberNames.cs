namespace HotIL.Weaver;

/// <summary>
/// Names members as the user wrote them: <c>Shop.Cart.Total(int)</c>, and for the compiler's methods the
/// member they are written in and where, <c>lambda in Program.&lt;Main&gt;$ at Program.cs:12</c>.
/// </summary>
internal static class MemberNames
{
    /// <summary>The readable name of <paramref name="key"/>; <paramref name="bodySpan"/> gives a lambda's place.</summary>
    public static string Of(MethodKey key, SourceSpan? bodySpan = null)
    {
        var name = key.Name;
        if (!GeneratedCode.IsLambdaName(name) && !GeneratedCode.IsLocalFunctionName(name)) return key.DisplayName;
        var owner = OwnerType(key.DeclaringTypeFullName) + "." + OwnerMember(name);
        var what = GeneratedCode.IsLambdaName(name) ? "lambda" : "local function " + LocalFunctionName(name);
        var place = bodySpan is { } span ? $" at {Path.GetFileName(span.Document)}:{span.StartLine}" : "";
        return $"{what} in {owner}{place}";
    }

    /// <summary>The user type a closure belongs to (<c>Shop/Cart/&lt;&gt;c</c> → <c>Shop.Cart</c>).</summary>
    public static string OwnerType(string typeFullName)
    {
        var closure = typeFullName.IndexOf("/<>c", StringComparison.Ordinal);
        return (closure < 0 ? typeFullName : typeFullName[..closure]).Replace('/', '.');
    }

    // <Start>b__6_0 → Start, <<Main>$>b__0_1 → <Main>$: the text inside the first, balanced angle brackets.
    private static string OwnerMember(string name)
    {
        var depth = 0;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '<') depth++;
            else if (name[i] == '>' && --depth == 0) return name[1..i];
        }
        return name;
    }

    // <Start>g__Local|4_0 → Local.
    private static string LocalFunctionName(string name)
    {
        var start = name.IndexOf(">g__", StringComparison.Ordinal) + 4;
        var end = name.IndexOf('|', start);
        return end < 0 ? name[start..] : name[start..end];
    }
}
