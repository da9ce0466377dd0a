using System.Text.RegularExpressions;

namespace App;

public static partial class Patterns
{
    [GeneratedRegex("[0-9]+")]
    private static partial Regex Token();

    public static string Check(string text) => Token().Match(text).Value;
}
