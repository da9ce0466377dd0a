using System.Diagnostics;
using HotIL.Tests.Support;

namespace HotIL.Tests;

/// <summary>
/// A loop that keeps running the body a reload replaced (the main loop, a worker started once) is reported,
/// once per reload of its method, with the method's and the thread's names; unoptimized code only.
/// </summary>
[Collection(nameof(HotReloadOutput))]
public class StaleLoopTests
{
    private const string Worker = """
        namespace S;
        public static class Worker
        {
            public static int Run(System.Threading.ManualResetEventSlim stop, System.Threading.ManualResetEventSlim looping)
            {
                var n = 0;
                while (!stop.IsSet) { n += 1; looping.Set(); System.Threading.Thread.Sleep(1); }
                return n;
            }
            public static async System.Threading.Tasks.Task<int> RunAsync(System.Threading.ManualResetEventSlim stop, System.Threading.ManualResetEventSlim looping)
            {
                var n = 0;
                while (!stop.IsSet) { n += 1; looping.Set(); await System.Threading.Tasks.Task.Delay(1); }
                return n;
            }
        }
        """;

    [Theory]
    [InlineData("Run")]
    [InlineData("RunAsync")]
    public void E45_a_loop_running_replaced_code_is_reported_once_per_reload_naming_the_method_and_thread(string method)
    {
        using var output = new HotReloadOutput();
        var p = new LiveProgram(Worker);
        using var stop = new ManualResetEventSlim();
        using var looping = new ManualResetEventSlim();
        var run = p.TypeOf("S.Worker").GetMethod(method)!;
        var thread = new Thread(() =>
        {
            var result = run.Invoke(null, [stop, looping]);
            if (result is Task task) task.Wait();
        }) { Name = "worker" };
        thread.Start();
        looping.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();

        p.Edit(p.Source.Replace("n += 1;", "n += 2;"));
        // An async loop resumes on pool threads after its first await: the report names whichever thread runs it.
        output.WaitFor(l => l.Contains($"S.Worker.{method}(")).Should().Contain("HOTIL2008").And.Contain("keeps the code it started with")
            .And.Contain(method == "Run" ? "('worker')" : "on thread ");
        Thread.Sleep(50);
        p.Edit(p.Source.Replace("n += 2;", "n += 3;"));
        output.WaitFor(l => l.Contains($"S.Worker.{method}("), count: 2);
        Thread.Sleep(50);
        stop.Set();
        thread.Join();

        output.Lines.Count(l => l.Contains($"S.Worker.{method}(")).Should().Be(2, "one report per reload, not per iteration");
    }

    [Fact]
    public void A_loop_that_no_reload_touched_reports_nothing()
    {
        using var output = new HotReloadOutput();
        var p = new LiveProgram(Worker + "\npublic static class Other { public static int F() => 1; }");
        using var stop = new ManualResetEventSlim(true);
        using var looping = new ManualResetEventSlim();
        p.Edit(p.Source.Replace("=> 1;", "=> 2;"));
        p.Call("S.Worker", "Run", stop, looping);
        output.Lines.Should().NotContain(l => l.Contains("S.Worker"));
    }
}

/// <summary>Captures <see cref="HotReload.Output"/> for one test; tests using it do not run in parallel.</summary>
[CollectionDefinition(nameof(HotReloadOutput), DisableParallelization = true)]
public sealed class HotReloadOutput : IDisposable
{
    private readonly TextWriter? _previous = HotReload.Output;
    private readonly StringWriter _writer = new();

    public HotReloadOutput() => HotReload.Output = _writer;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_writer) return _writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>Waits until <paramref name="count"/> lines match; returns the last of them.</summary>
    public string WaitFor(Func<string, bool> match, int count = 1)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var found = Lines.Where(match).ToList();
            if (found.Count >= count) return found[count - 1];
            Thread.Sleep(10);
        }
        throw new TimeoutException($"fewer than {count} matching lines in:\n{string.Join('\n', Lines)}");
    }

    public void Dispose() => HotReload.Output = _previous;
}
