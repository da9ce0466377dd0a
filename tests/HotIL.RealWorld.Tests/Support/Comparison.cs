namespace HotIL.RealWorld.Tests.Support;

/// <summary>Compares what the woven and the original side produced, pointing at the first difference.</summary>
public static class Comparison
{
    public static void ShouldMatch(string[] woven, string[] original, string what)
    {
        woven.Length.Should().Be(original.Length, $"both sides ran the same {what}");
        for (var i = 0; i < woven.Length; i++)
        {
            if (woven[i] == original[i]) continue;
            var at = 0;
            while (at < woven[i].Length && at < original[i].Length && woven[i][at] == original[i][at]) at++;
            var start = Math.Max(0, at - 80);
            throw new Xunit.Sdk.XunitException(
                $"{what}: result {i} of {woven.Length} differs at character {at}\n" +
                $"  woven:    {Excerpt(woven[i], start)}\n  original: {Excerpt(original[i], start)}");
        }
    }

    private static string Excerpt(string text, int start) => text.Substring(start, Math.Min(240, text.Length - start));
}
