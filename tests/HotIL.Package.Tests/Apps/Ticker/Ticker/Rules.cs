namespace Ticker;

public static class Rules
{
    public static int Next(int value) => value + 1;

    public static string Describe() => "plus-one";

    public static void Fail() =>
        throw new InvalidOperationException("failing on purpose");
}

public sealed class Tally
{
    private int _value;

    public int Value => _value;

    public void Step() => _value = Rules.Next(_value);
}
