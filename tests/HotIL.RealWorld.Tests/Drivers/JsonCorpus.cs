using System.Globalization;
using System.Text;

namespace HotIL.RealWorld.Tests.Drivers;

/// <summary>
/// Generates JSON texts without any JSON library: nested objects and arrays, every number form
/// (integers past 64 bits, exponents, negative zero, extremes), dates in the forms Json.NET recognises,
/// unicode (escaped and raw, surrogate pairs, RTL, combining marks), odd whitespace and comments, and
/// a few malformed documents so error behaviour is compared too.
/// </summary>
public static class JsonCorpus
{
    private static readonly string[] Words =
    [
        "alpha", "beta", "gamma", "id", "name", "value", "items", "créme", "naïve", "Ünïcödé", "日本語", "中文", "한국어",
        "русский", "ελληνικά", "עברית", "العربية", "emoji😀", "👩‍👩‍👧", "e\u0301", "a\u0308o\u0308", "tab\there", "line\nbreak",
        "quote\"d", "back\\slash", "slash/ed", "\u2028sep\u2029", "nul\u0001ctl", "", " ", "$ref", "$type", "@attr", "#text",
        "123", "true", "null", "very_long_key_" + new string('x', 80),
    ];

    private static readonly string[] Dates =
    [
        "2024-02-29T12:34:56.789Z", "2000-01-01T00:00:00+05:30", "1999-12-31T23:59:59.9999999", "0001-01-01T00:00:00",
        "9999-12-31T23:59:59.9999999Z", "2023-06-15T08:00:00-07:00", "/Date(1234567890000)/", "/Date(-62135596800000+0100)/",
        "2021-03-04", "2021-03-04T05:06", "2010-10-10T10:10:10.1234567+14:00",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "42", "2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "18446744073709551615", "123456789012345678901234567890", "-98765432109876543210987654321",
        "0.1", "-0.0", "1.5", "3.141592653589793", "2.718281828459045", "1e10", "1E-7", "-2.5e+300", "5e-324",
        "1.7976931348623157e308", "4.9406564584124654E-324", "123456789.123456789", "0.30000000000000004", "1.0", "100.000",
        "79228162514264337593543950335", "7.9228162514264337593543950335", "1e400", "-1e-400",
    ];

    /// <summary><paramref name="count"/> documents, the same for the same <paramref name="seed"/>.</summary>
    public static string[] Documents(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var documents = new string[count];
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            var style = new Style(rng.Chance(0.2), rng.Chance(0.05), rng.Chance(0.3));
            var kind = i % 10;
            // Mostly objects (so XML and typed conversions have work), some arrays and bare scalars.
            if (kind < 7) Object(text, rng, 0, style);
            else if (kind < 9) Array(text, rng, 0, style);
            else Value(text, rng, 4, style);
            if (rng.Chance(0.02)) Break(text, rng);
            documents[i] = text.ToString();
        }
        return documents;
    }

    private sealed record Style(bool Spaced, bool Comments, bool EscapeUnicode);

    private static void Value(StringBuilder text, Rng rng, int depth, Style style)
    {
        var roll = rng.Next(100);
        if (depth < 4 && roll < 18) Object(text, rng, depth + 1, style);
        else if (depth < 4 && roll < 30) Array(text, rng, depth + 1, style);
        else if (roll < 50) String(text, rng, style);
        else if (roll < 70) text.Append(Number(rng));
        else if (roll < 80) Quoted(text, rng.Pick(Dates), style);
        else if (roll < 88) text.Append(rng.Chance(0.5) ? "true" : "false");
        else if (roll < 94) text.Append("null");
        else Quoted(text, rng.NextGuid().ToString(rng.Chance(0.5) ? "D" : "N"), style);
    }

    private static void Object(StringBuilder text, Rng rng, int depth, Style style)
    {
        text.Append('{');
        var count = rng.Next(depth == 0 ? 1 : 0, 7);
        var used = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(',');
            Space(text, rng, style);
            var key = rng.Chance(0.7) ? rng.Pick(Words) : rng.Pick(Words) + rng.Next(1000);
            if (!used.Add(key)) key += "_" + i;
            Quoted(text, key, style);
            Space(text, rng, style);
            text.Append(':');
            Space(text, rng, style);
            Value(text, rng, depth, style);
        }
        Space(text, rng, style);
        text.Append('}');
    }

    private static void Array(StringBuilder text, Rng rng, int depth, Style style)
    {
        text.Append('[');
        var count = rng.Next(0, 8);
        var homogeneous = rng.Chance(0.4) ? rng.Next(3) : -1;
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(',');
            Space(text, rng, style);
            switch (homogeneous)
            {
                case 0: text.Append(rng.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture)); break;
                case 1: text.Append(Number(rng)); break;
                case 2: String(text, rng, style); break;
                default: Value(text, rng, depth, style); break;
            }
        }
        Space(text, rng, style);
        text.Append(']');
    }

    private static string Number(Rng rng) => rng.Next(4) switch
    {
        0 => rng.Pick(Numbers),
        1 => rng.Next(-100000, 100000).ToString(CultureInfo.InvariantCulture),
        2 => (rng.NextDouble() * Math.Pow(10, rng.Next(-20, 20)) * (rng.Chance(0.5) ? -1 : 1)).ToString("R", CultureInfo.InvariantCulture),
        _ => rng.NextLong().ToString(CultureInfo.InvariantCulture),
    };

    private static void String(StringBuilder text, Rng rng, Style style)
    {
        var value = new StringBuilder();
        var parts = rng.Next(0, 4);
        for (var i = 0; i < parts; i++)
        {
            if (i > 0) value.Append(' ');
            value.Append(rng.Pick(Words));
        }
        if (rng.Chance(0.1)) value.Append((char)rng.Next(0x20, 0xD7FF));
        if (rng.Chance(0.02)) value.Append('\uD83D'); // a lone high surrogate
        Quoted(text, value.ToString(), style);
    }

    private static void Quoted(StringBuilder text, string value, Style style)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                case '/' when style.EscapeUnicode: text.Append("\\/"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                case > '~' when style.EscapeUnicode: text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    private static void Space(StringBuilder text, Rng rng, Style style)
    {
        if (style.Spaced) text.Append(rng.Pick([" ", "\n  ", "\t", "\r\n", ""]));
        if (style.Comments && rng.Chance(0.1)) text.Append(rng.Chance(0.5) ? "/* note */" : "// line\n");
    }

    // Malformed input: Json.NET must fail the same way, with the same message, on both sides.
    private static void Break(StringBuilder text, Rng rng)
    {
        switch (rng.Next(4))
        {
            case 0: text.Length = Math.Max(1, text.Length / 2); break;
            case 1: text.Append('}'); break;
            case 2: text.Insert(Math.Min(1, text.Length), "nul"); break;
            default: text.Append(",]"); break;
        }
    }
}
