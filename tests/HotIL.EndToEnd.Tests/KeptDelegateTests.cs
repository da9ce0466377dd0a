using System.Collections.Concurrent;
using System.Net;
using HotIL.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Delegates made once, at start-up, and kept (an event subscription, a timer callback, lambdas in static fields,
/// a stored query, minimal-API handlers) take edits in a running process; what an edit cannot reach is reported
/// with file and line instead of counted as applied. One process per configuration goes through the rows in turn.
/// </summary>
[Collection("builds")]
public class KeptDelegateTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Configurations => new() { "Debug", "Release" };

    [Theory, MemberData(nameof(Configurations))]
    public void E39_E40_E42_E43_E44_E45_delegates_kept_from_start_up_take_edits_and_what_cannot_is_reported(string configuration)
    {
        using var project = ScratchProject.Create("Lambdas");
        project.Build(configuration, Enabled(configuration));
        using var program = project.Start(configuration);
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        program.WaitForLine(l => l.Contains("event=E0 timer=T0 static=S0/1 query=20,30 worker=W0 tag=d0 times=7"), Patience);

        // E39: the subscription and the timer made at start-up run their new bodies.
        project.Edit("Program.cs", "\"E0\"", "\"E1\"");
        project.Edit("Program.cs", "\"T0\"", "\"T1\"");
        program.WaitForLine(l => l.Contains("event=E1 timer=T1"), Patience);

        // E40: a lambda in a static readonly field and a query kept in one.
        project.Edit("Kept.cs", "\"S0\"", "\"S1\"");
        project.Edit("Kept.cs", "x * 10", "x * 100");
        program.WaitForLine(l => l.Contains("static=S1/1 query=200,300"), Patience);

        // E42: a lambda inserted before the subscribed one, which is edited in the same save.
        project.Edit("Program.cs", "Bus.Fired += () => Bus.Last = \"E1\";", "Func<string> greeting = () => \"hi\";\nBus.Fired += () => Bus.Last = \"E2\";");
        program.WaitForLine(l => l.Contains("event=E2 timer=T1"), Patience);
        program.WaitForError(l => l.Contains("HOTIL2006") && l.Contains("entry point"), Patience)
            .Should().Contain(project.PathOf("Program.cs") + "(", "the change to the top-level statements themselves is reported as not rerun");

        // E43: the subscribed lambda now captures a local: the old subscription cannot run the new body, and says so.
        project.Edit("Program.cs", "Bus.Fired += () => Bus.Last = \"E2\";", "Bus.Fired += () => Bus.Last = \"E3\" + greeting();");
        program.WaitForError(l => l.Contains("HOTIL2005"), Patience).Should().Contain(project.PathOf("Program.cs") + "(6,")
            .And.Contain("delegates created before this edit keep running the previous body");
        program.WaitForLine(l => l.Contains("event=E2"), Patience);

        // E44: a static readonly value is not re-initialized, and the report says so instead of "no code changes".
        project.Edit("Kept.cs", "Seed = 1;", "Seed = 2;");
        program.WaitForError(l => l.Contains("HOTIL2001") && l.Contains("Kept.Seed"), Patience).Should().Contain(project.PathOf("Kept.cs") + "(");
        program.StandardError.Should().Contain("no code to apply; 1 edit takes effect only after a restart");
        program.WaitForLine(l => l.Contains("static=S1/1"), Patience);

        // E44: an attribute argument read by reflection keeps its value, and the report says so.
        project.Edit("Kept.cs", "[System.ComponentModel.Description(\"d0\")]", "[System.ComponentModel.Description(\"d1\")]");
        program.WaitForError(l => l.Contains("HOTIL2007") && l.Contains("Lambdas.Tagged"), Patience).Should().Contain(project.PathOf("Kept.cs") + "(");
        program.WaitForLine(l => l.Contains("tag=d0"), Patience);

        // A member now using a primary-constructor parameter the object never kept is refused, never computed with a 0;
        // undoing it is said to resolve the refusal.
        project.Edit("Kept.cs", "public int Times(int x) => x * 7;", "public int Times(int x) => x * factor;");
        program.WaitForError(l => l.Contains("HOTIL1014"), Patience).Should().Contain("primary constructor parameter factor");
        program.WaitForLine(l => l.Contains("times=7"), Patience);
        project.Edit("Kept.cs", "public int Times(int x) => x * factor;", "public int Times(int x) => x * 7;");
        program.WaitForError(l => l.Contains("HOTIL1014 resolved"), Patience);

        // E45: the worker's loop never returns, so it keeps its body; unoptimized code says so, naming the method and thread.
        var applied = AppliedCount(program);
        project.Edit("Kept.cs", "Last = \"W0\";", "Last = \"W1\";");
        program.WaitForError(_ => AppliedCount(program) > applied, Patience);
        if (configuration == "Debug")
        {
            program.WaitForError(l => l.Contains("HOTIL2008") && l.Contains("Lambdas.Worker.Run()"), Patience).Should().Contain("('worker')");
            program.StandardError.Should().Contain("HOTIL2008: Program.<Main>$(System.String[]) is running a loop on thread 1", "the main loop was replaced at E42");
        }
        program.WaitForLine(l => l.Contains("worker=W0"), Patience);
        output.WriteLine(program.StandardError);
    }

    [Theory, MemberData(nameof(Configurations))]
    public async Task E41_minimal_API_handlers_take_edits_under_load_without_a_failed_request(string configuration)
    {
        using var project = ScratchProject.Create("WebApi", sdk: "Microsoft.NET.Sdk.Web");
        project.Build(configuration, Enabled(configuration));
        using var program = project.Start(configuration, arguments: ["--urls", "http://127.0.0.1:0"]);
        var address = program.WaitForLine(l => l.Contains("Now listening on: http://127.0.0.1:"), Patience).Split("Now listening on: ")[1].Trim();
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        using var load = new Load(address);

        project.Edit("Program.cs", "\"hello-0\"", "\"hello-1\"");
        await load.WaitFor("/hello", "hello-1");

        // An async handler gaining an await.
        project.Edit("Todos.cs", "await Task.Yield();\n            return \"list-0\";", "await Task.Yield();\n            await Task.Delay(1);\n            return \"list-1\";");
        await load.WaitFor("/todos/", "list-1");
        project.Edit("Todos.cs", "$\"item-{id}-0\"", "$\"item-{id}-1\"");
        await load.WaitFor("/todos/7", "item-7-1");

        // The handler's captured counter keeps counting through the edit.
        var before = int.Parse((await load.Get("/visits")).Split('-')[1]);
        project.Edit("Program.cs", "$\"visits-{", "$\"v-{");
        var after = await load.WaitFor("/visits", "v-");
        int.Parse(after.Split('-')[1]).Should().BeGreaterThan(before, "the closure's state was kept");

        // A route added inside code that ran at start-up does not appear, and the report does not pretend it does.
        project.Edit("Todos.cs", "group.MapGet(\"/{id:int}\"", "group.MapGet(\"/new\", () => \"new\");\n        group.MapGet(\"/{id:int}\"");
        program.WaitForError(l => l.Contains("HOTIL2006") && l.Contains("WebApi.Todos.Map("), Patience).Should().Contain(project.PathOf("Todos.cs") + "(");
        program.StandardError.Should().Contain("1 edit takes effect only after a restart");
        (await load.Status("/todos/new")).Should().Be(HttpStatusCode.NotFound);

        var (requests, failures) = await load.Stop();
        output.WriteLine($"{configuration}: {requests} requests while reloading, {failures.Count} failed\n{program.StandardError}");
        failures.Should().BeEmpty();
        requests.Should().BeGreaterThan(100);
    }

    private static int AppliedCount(ChildProcess program) => program.StandardError.Split('\n').Count(l => l.Contains(" applied in "));

    private static string[] Enabled(string configuration) => configuration == "Release" ? ["HotILEnabled=true", "HotILWatch=true"] : [];

    /// <summary>Four clients calling the app's endpoints without pause, recording every failed request.</summary>
    private sealed class Load : IDisposable
    {
        private static readonly string[] Paths = ["/hello", "/todos/", "/todos/7", "/visits"];
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, string> _latest = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly Task[] _clients;
        private int _requests;

        public Load(string address)
        {
            _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            _clients = Enumerable.Range(0, 4).Select(i => Task.Run(() => Run(i))).ToArray();
        }

        private async Task Run(int client)
        {
            for (var n = client; !_stop.IsCancellationRequested; n++)
            {
                var path = Paths[n % Paths.Length];
                try
                {
                    using var response = await _client.GetAsync(path, _stop.Token);
                    var body = await response.Content.ReadAsStringAsync(_stop.Token);
                    if (response.IsSuccessStatusCode) _latest[path] = body;
                    else _failures.Enqueue($"{path}: {(int)response.StatusCode} {body}");
                    Interlocked.Increment(ref _requests);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
                catch (Exception e)
                {
                    _failures.Enqueue($"{path}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        public async Task<string> WaitFor(string path, string prefix)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                if (_latest.TryGetValue(path, out var body) && body.StartsWith(prefix, StringComparison.Ordinal)) return body;
                await Task.Delay(20);
            }
            throw new TimeoutException($"{path} never answered {prefix}; last answer: {_latest.GetValueOrDefault(path)}; failures: {string.Join("; ", _failures)}");
        }

        public async Task<string> Get(string path) => await _client.GetStringAsync(path);

        public async Task<HttpStatusCode> Status(string path)
        {
            using var response = await _client.GetAsync(path);
            return response.StatusCode;
        }

        public async Task<(int Requests, IReadOnlyList<string> Failures)> Stop()
        {
            _stop.Cancel();
            await Task.WhenAll(_clients);
            return (_requests, _failures.ToArray());
        }

        public void Dispose()
        {
            _stop.Cancel();
            _client.Dispose();
        }
    }
}
