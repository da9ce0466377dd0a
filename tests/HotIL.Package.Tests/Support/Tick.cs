using System.Text.RegularExpressions;

namespace HotIL.Package.Tests.Support;

/// <summary>One line of the Ticker app: <c>tick=N value=V rule=R</c>.</summary>
internal sealed partial record Tick(int Number, int Value, string Rule)
{
    public static Tick? Parse(string line)
    {
        var m = Pattern().Match(line);
        return m.Success ? new Tick(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Value) : null;
    }

    [GeneratedRegex(@"^tick=(\d+) value=(\d+) rule=(\S+)$")]
    private static partial Regex Pattern();
}
