namespace HotIL.Bench.Workloads;

/// <summary>
/// Lambdas made once and called many times: a pipeline of stored delegates, and LINQ over an array with lambdas
/// that capture a local. Woven lambdas keep their bodies behind a guard in every build (decision 0016), so this
/// is where that guard costs most: small bodies reached only through delegates.
/// </summary>
public sealed class Delegates
{
    private readonly int[] _values;
    private readonly Func<int, int>[] _pipeline;

    /// <param name="count">Elements per invocation.</param>
    public Delegates(int count = 2048)
    {
        var random = new Random(42);
        _values = Enumerable.Range(0, count).Select(_ => random.Next(-1000, 1000)).ToArray();
        var offset = random.Next(1, 10);
        _pipeline = [x => x + offset, x => x * 3, static x => x ^ 0x5bd1, x => x < 0 ? -x : x];
    }

    /// <summary>Runs every element through four stored delegates.</summary>
    public int StoredPipeline()
    {
        var hash = 0;
        var pipeline = _pipeline;
        foreach (var value in _values)
        {
            var v = value;
            for (var i = 0; i < pipeline.Length; i++) v = pipeline[i](v);
            hash = unchecked(hash * 31 + v);
        }
        return hash;
    }

    /// <summary>Filters, projects and sums with LINQ, the lambdas capturing a local.</summary>
    public long LinqQuery()
    {
        var limit = 500;
        return _values.Where(v => v > -limit && v < limit).Select(v => (long)v * v).Sum();
    }
}
