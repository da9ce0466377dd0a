using System.Diagnostics;
using System.Reflection;
using HotIL.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.Tests;

/// <summary>Reloads under load and the lifetime of generations: never crash, never a wrong result, never leak.</summary>
[Collection("lifetime")]
public class LifetimeTests(ITestOutputHelper output)
{
    private const string Version1 = "namespace Sample; public static class Work { public static long Compute(long x) => x * 2 + 1; }";
    private const string Version2 = "namespace Sample; public static class Work { public static long Compute(long x) => x * 3 + 2; }";

    [Fact]
    public void Thousand_reloads_under_eight_calling_threads_give_no_crash_no_wrong_result_and_no_leak() =>
        ReloadUnderLoad(reloads: 1000, threads: 8);

    [SoakFact]
    public void Soak_ten_thousand_reloads_under_eight_calling_threads() =>
        ReloadUnderLoad(reloads: 10_000, threads: 8);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void E38_method_running_a_long_loop_on_another_thread_finishes_on_its_old_body_while_new_calls_run_the_new_one(bool optimize)
    {
        const string spin = """
            namespace Sample;
            public static class Loop
            {
                public static string Spin(System.Threading.ManualResetEventSlim stop) { long n = 0; while (!stop.IsSet) n++; return "VERSION:" + (n > 0); }
            }
            """;
        var program = new LiveProgram(spin.Replace("VERSION", "v1"), optimize, gracePeriod: TimeSpan.Zero);
        program.Edit(spin.Replace("VERSION", "v2"), optimize);
        var spinMethod = program.TypeOf("Sample.Loop").GetMethod("Spin")!;
        using var stop = new ManualResetEventSlim();
        string? oldResult = null;
        var looping = new Thread(() => oldResult = (string)spinMethod.Invoke(null, [stop])!);
        looping.Start();
        Thread.Sleep(100);

        program.Edit(spin.Replace("VERSION", "v3"), optimize);
        using (var set = new ManualResetEventSlim(true)) program.Call("Sample.Loop", "Spin", set).Should().Be("v3:False", "new calls run the new body at once");
        Collect(program);

        program.Generations.Single(g => g.Number == 2).State.Should().Be(GenerationState.Unloading, "a thread still runs its code");
        stop.Set();
        looping.Join();
        oldResult.Should().Be("v2:True", "the loop finished on the code it started with");
        Collect(program);
        program.Generations.Where(g => g.Number == 2).Should().OnlyContain(g => g.State == GenerationState.Collected);
    }

    [Fact]
    public async Task Suspended_async_call_completes_on_old_code_after_its_generation_is_retired()
    {
        const string wait = """
            namespace Sample;
            public static class Waiter { public static async System.Threading.Tasks.Task<string> Wait(System.Threading.Tasks.Task gate) { await gate; return "VERSION"; } }
            """;
        var program = new LiveProgram(wait.Replace("VERSION", "v1"), gracePeriod: TimeSpan.Zero);
        program.Edit(wait.Replace("VERSION", "v2"));
        var gate = new TaskCompletionSource();
        var suspended = (Task<string>)program.Call("Sample.Waiter", "Wait", gate.Task)!;

        program.Edit(wait.Replace("VERSION", "v3").Replace("await gate;", "await System.Threading.Tasks.Task.Yield();"));
        Collect(program);
        program.Generations.Single(g => g.Number == 2).State.Should().Be(GenerationState.Unloading, "the suspended state machine belongs to it");

        gate.SetResult();
        (await suspended.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("v2", "the suspended call resumed on the code that started it, without an exception");
        (await (Task<string>)program.Call("Sample.Waiter", "Wait", Task.CompletedTask)!).Should().Be("v3");
    }

    private void ReloadUnderLoad(int reloads, int threads)
    {
        var versions = new[] { LiveProgram.Compile(Version1), LiveProgram.Compile(Version2) };
        var grace = TimeSpan.FromMilliseconds(200);
        var program = new LiveProgram(Version1, gracePeriod: grace);
        var compute = (Func<long, long>)program.TypeOf("Sample.Work").GetMethod("Compute", BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate(typeof(Func<long, long>));
        program.Apply(versions[1]);
        program.Apply(versions[0]);
        var heapBefore = Collect(program);

        using var stop = new CancellationTokenSource();
        var calls = new long[threads];
        var seen = new long[threads, 2];
        var wrong = 0L;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        long x = random.Next(1_000_000), r = compute(x);
                        if (r == x * 2 + 1) seen[t, 0]++;
                        else if (r == x * 3 + 2) seen[t, 1]++;
                        else Interlocked.Increment(ref wrong);
                    }
                    calls[t] += 1000;
                    Thread.Yield();
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }) { IsBackground = true }).ToArray();

        var clock = Stopwatch.StartNew();
        foreach (var w in workers) w.Start();
        for (var i = 0; i < reloads; i++)
        {
            program.Apply(versions[(i + 1) % 2]);
            program.Sweep();
        }
        var reloadTime = clock.Elapsed;
        stop.Cancel();
        foreach (var w in workers) w.Join();

        Thread.Sleep(grace);
        var heapAfter = Collect(program);
        var alive = program.Generations.Count(g => g.State != GenerationState.Collected);
        var rss = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine($"{reloads} reloads in {reloadTime.TotalSeconds:0.0} s under {threads} threads; {calls.Sum():N0} calls " +
            $"({Enumerable.Range(0, threads).Sum(t => seen[t, 0]):N0} v1, {Enumerable.Range(0, threads).Sum(t => seen[t, 1]):N0} v2); " +
            $"wrong {wrong}; exceptions {failures.Count}; generations alive {alive}, collected {program.CollectedGenerations}; " +
            $"managed heap {heapBefore / 1048576.0:0.0} → {heapAfter / 1048576.0:0.0} MB; RSS {rss / 1048576.0:0} MB");

        failures.Should().BeEmpty();
        wrong.Should().Be(0);
        calls.Should().OnlyContain(c => c > 0);
        Enumerable.Range(0, threads).Sum(t => seen[t, 0]).Should().BePositive();
        Enumerable.Range(0, threads).Sum(t => seen[t, 1]).Should().BePositive();
        alive.Should().BeLessThanOrEqualTo(3);
        (heapAfter - heapBefore).Should().BeLessThan(20L * 1024 * 1024);
    }

    // Retires, unloads and collects whatever can go, then reports the managed heap size.
    private static long Collect(LiveProgram program)
    {
        for (var i = 0; i < 4; i++)
        {
            program.Sweep(DateTime.UtcNow.AddHours(1));
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        program.Sweep(DateTime.UtcNow.AddHours(1));
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>A fact that runs only when HOTIL_SOAK=1 (long runs on demand, not in CI).</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HOTIL_SOAK") != "1") Skip = "soak run: set HOTIL_SOAK=1";
    }
}

[CollectionDefinition("lifetime", DisableParallelization = true)]
public class LifetimeCollection;
