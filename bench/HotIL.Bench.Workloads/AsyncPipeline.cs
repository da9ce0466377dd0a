namespace HotIL.Bench.Workloads;

/// <summary>
/// Async methods: awaits that complete synchronously (the state machine's fast path) and, in the
/// second workload, a real yield to the thread pool every 64 awaits.
/// </summary>
public sealed class AsyncPipeline
{
    private readonly int[] _data;

    /// <param name="count">Awaited reads per invocation.</param>
    public AsyncPipeline(int count = 1024)
    {
        var random = new Random(42);
        _data = Enumerable.Range(0, count).Select(_ => random.Next(0, 1000)).ToArray();
    }

    /// <summary>Awaits every read; all of them complete synchronously.</summary>
    public async Task<long> CompletedAwaits()
    {
        long sum = 0;
        for (var i = 0; i < _data.Length; i++)
            sum += await ReadAsync(i);
        return sum;
    }

    /// <summary>Awaits every read and yields to the thread pool every 64 reads.</summary>
    public async Task<long> YieldingAwaits()
    {
        long sum = 0;
        for (var i = 0; i < _data.Length; i++)
        {
            sum += await ReadAsync(i);
            if ((i & 63) == 63) await Task.Yield();
        }
        return sum;
    }

    // Every eighth read goes through an async method of its own (which also completes synchronously).
    private ValueTask<int> ReadAsync(int index) =>
        (index & 7) == 0 ? new ValueTask<int>(DecodeAsync(index)) : ValueTask.FromResult(Decode(_data[index]));

    private async Task<int> DecodeAsync(int index)
    {
        await Task.CompletedTask;
        return Decode(_data[index]) + 1;
    }

    private static int Decode(int raw) => (raw * 7) % 1000;
}
