using System.Diagnostics;
using HotIL.RealWorld.Tests.Drivers;
using HotIL.RealWorld.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.RealWorld.Tests;

/// <summary>Woven Newtonsoft.Json against the shipped one, on generated documents and typed objects.</summary>
public sealed class NewtonsoftJsonTests(ITestOutputHelper output)
{
    [Fact]
    public void Woven_Json_NET_gives_the_same_results_as_the_original_on_a_generated_corpus() =>
        RoundTrip(documents: 3_000, objects: 400, seed: 1);

    [LargeCorpusFact]
    public void Woven_Json_NET_gives_the_same_results_as_the_original_on_a_large_generated_corpus() =>
        RoundTrip(documents: 40_000, objects: 5_000, seed: 2);

    private void RoundTrip(int documents, int objects, long seed)
    {
        var subject = Subjects.Get(Subjects.NewtonsoftJson);
        output.WriteLine(subject.Describe());
        var corpus = JsonCorpus.Documents(documents, (ulong)seed);
        output.WriteLine($"corpus: {corpus.Length:N0} documents, {corpus.Sum(d => d.Length):N0} characters; {objects:N0} typed objects");

        var (woven, wovenTime) = Run(Side.Woven(subject), corpus, objects, seed);
        var (original, originalTime) = Run(Side.Original(subject), corpus, objects, seed);
        output.WriteLine($"{woven.Length:N0} results; woven {wovenTime:F0} ms, original {originalTime:F0} ms");

        Comparison.ShouldMatch(woven, original, "Json.NET results");
        original.Count(r => r.StartsWith('!')).Should().BeLessThan(original.Length / 4, "most operations succeed, so the corpus tests more than error paths");
    }

    private static (string[] Results, double Milliseconds) Run(Side side, string[] corpus, int objects, long seed)
    {
        using (side)
        {
            var clock = Stopwatch.StartNew();
            var results = side.Call<string[]>(nameof(JsonDriver), nameof(JsonDriver.Run), corpus, objects, seed);
            return (results, clock.Elapsed.TotalMilliseconds);
        }
    }
}
