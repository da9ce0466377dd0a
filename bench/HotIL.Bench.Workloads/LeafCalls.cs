namespace HotIL.Bench.Workloads;

/// <summary>
/// One-line members called in a loop: the shape where a forwarder's guard is largest relative to
/// the body it guards.
/// </summary>
public sealed class LeafCalls
{
    private readonly Gauge[] _gauges;
    private readonly int[] _values;

    /// <param name="count">Calls of each kind per invocation.</param>
    public LeafCalls(int count = 2048)
    {
        var random = new Random(42);
        _gauges = Enumerable.Range(0, 16).Select(i => new Gauge(i, random.Next(1, 100))).ToArray();
        _values = Enumerable.Range(0, count).Select(_ => random.Next(-1000, 1000)).ToArray();
    }

    /// <summary>Reads two auto-property getters and one computed getter per element.</summary>
    public long PropertyGetters()
    {
        long sum = 0;
        var gauges = _gauges;
        for (var i = 0; i < _values.Length; i++)
        {
            var gauge = gauges[i & 15];
            sum += gauge.Id + gauge.Level + gauge.Headroom;
        }
        return sum;
    }

    /// <summary>Calls two small static arithmetic methods per element.</summary>
    public int SmallArithmetic()
    {
        var hash = 17;
        foreach (var value in _values)
            hash = Arithmetic.Mix(hash, Arithmetic.Clamp(value, -500, 500));
        return hash;
    }
}

/// <summary>A reading with auto-properties and one computed property.</summary>
public sealed class Gauge(int id, int level)
{
    /// <summary>Identifier.</summary>
    public int Id { get; } = id;

    /// <summary>Current level, 0 to 100.</summary>
    public int Level { get; set; } = level;

    /// <summary>What is left to the maximum.</summary>
    public int Headroom => 100 - Level;
}

/// <summary>Static one-liners.</summary>
public static class Arithmetic
{
    /// <summary>Combines a hash with a value.</summary>
    public static int Mix(int hash, int value) => unchecked(hash * 31 + value);

    /// <summary>Limits a value to a range.</summary>
    public static int Clamp(int value, int min, int max) => value < min ? min : value > max ? max : value;
}
