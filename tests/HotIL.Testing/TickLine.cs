using System.Text.RegularExpressions;

namespace HotIL.Testing;

/// <summary>
/// One line of the counting apps the tests run (the end-to-end suite's Counter, the package suite's Ticker):
/// <c>tick=N value=V rule=R</c>.
/// </summary>
/// <param name="Tick">How many ticks came before this one since the program started.</param>
/// <param name="Value">The counter's value, carried over by reloads.</param>
/// <param name="Rule">The name the running code gives its rule: which version of it runs.</param>
public sealed partial record TickLine(int Tick, int Value, string Rule)
{
    /// <summary>The tick line <paramref name="line"/> is, or null if it is another line.</summary>
    public static TickLine? Parse(string line)
    {
        var m = Pattern().Match(line);
        return m.Success ? new TickLine(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Value) : null;
    }

    [GeneratedRegex(@"^tick=(\d+) value=(\d+) rule=(\S+)$")]
    private static partial Regex Pattern();
}
