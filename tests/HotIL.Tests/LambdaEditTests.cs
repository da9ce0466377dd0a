using HotIL.Tests.Support;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>
/// Lambdas created once and kept (event subscriptions, cached static lambdas, delegates in static fields,
/// stored queries) take edits to their bodies; they are matched across compilations by their place in
/// the source, not by the compiler's ordinal names. Each runs on unoptimized and on optimized code
/// through the real match → diff → patch → load → apply pipeline.
/// </summary>
public class LambdaEditTests
{
    public static TheoryData<bool> Configurations => new() { false, true };

    private const string Bus = "public static class Bus { public static event System.Action? Fired; public static string Last = \"\"; public static void Fire() => Fired?.Invoke(); public static void Clear() => Fired = null; }\n";

    [Theory, MemberData(nameof(Configurations))]
    public void E39_a_lambda_subscribed_once_runs_its_new_body(bool optimize)
    {
        var p = Live(Bus + "public static class App { public static void Start() { Bus.Fired += () => Bus.Last = \"E0\"; } }", optimize);
        p.Call("S.App", "Start");
        Fire(p).Should().Be("E0");
        var changes = Edit(p, "\"E0\"", "\"E1\"", optimize);
        changes.Changed.Should().ContainSingle("only the lambda changed, not the method that subscribed it");
        Fire(p).Should().Be("E1", "the subscription made before the edit runs the new body");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E39_subscribed_lambdas_capturing_this_locals_and_parameters_run_their_new_bodies(bool optimize)
    {
        var p = Live(Bus + "public class Svc { private int _n = 5; public void Start(int k) { var local = 2; Bus.Fired += () => Bus.Last = \"A\" + _n + k + local; Bus.Fired += () => Bus.Last += \"|T\" + _n; } }", optimize);
        var svc = p.New("S.Svc");
        p.CallOn(svc, "Start", 7);
        Fire(p).Should().Be("A572|T5");
        Edit(p, "\"A\" + _n + k + local", "\"B\" + (_n * 10) + k + local", optimize);
        Edit(p, "\"|T\" + _n", "\"|U\" + _n", optimize);
        Fire(p).Should().Be("B5072|U5");
        p.Stale.Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E40_a_lambda_in_a_static_readonly_field_and_a_stored_query_run_their_new_bodies(bool optimize)
    {
        var p = Live("""
            public static class Store
            {
                static readonly System.Func<string> F = () => "S0";
                static readonly System.Collections.Generic.IEnumerable<int> Q = new[] { 1, 2, 3 }.Where(x => x > 1).Select(x => x * 10);
                static readonly System.Collections.Generic.IEnumerable<int> R = from x in new[] { 1, 2, 3 } where x < 3 select x + 100;
                public static string Show() => F() + ":" + string.Join(",", Q) + ":" + string.Join(",", R);
            }
            """, optimize, usings: "using System.Linq;\n");
        p.Call("S.Store", "Show").Should().Be("S0:20,30:101,102");
        var changes = Edit(p, "\"S0\"", "\"S1\"", optimize);
        changes.Warnings.Should().BeEmpty("the static constructor did not change: only a lambda it created did");
        Edit(p, "x * 10", "x * 1000", optimize);
        Edit(p, "x + 100", "x + 500", optimize);
        p.Call("S.Store", "Show").Should().Be("S1:2000,3000:501,502");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E42_a_lambda_inserted_before_a_subscribed_one_does_not_take_its_place(bool optimize)
    {
        var p = Live(Bus + "public static class App { public static void Start() { Bus.Fired += () => Bus.Last += \"a\"; } }", optimize);
        p.Call("S.App", "Start");
        Fire(p).Should().Be("a");
        var changes = Edit(p, "Bus.Fired += () => Bus.Last += \"a\";", "System.Func<int> n = () => 42; Bus.Last = \"n\" + n(); Bus.Fired += () => Bus.Last += \"b\";", optimize);
        changes.Changed.Should().HaveCount(2, "Start creates one more delegate, and the subscribed lambda changed");
        changes.Added.Should().ContainSingle("the inserted lambda is new");
        Fire(p).Should().Be("b", "the existing subscription runs its own new body, not the inserted lambda");
        p.Call("S.App", "Start");
        p.TypeOf("S.Bus").GetField("Last")!.GetValue(null).Should().Be("n42", "the inserted lambda runs where it is called");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Reordered_and_removed_lambdas_leave_existing_delegates_on_their_own_bodies(bool optimize)
    {
        var p = Live(Bus + "public static class App { public static void Start() { Bus.Fired += () => Bus.Last += \"x\"; Bus.Fired += () => Bus.Last += \"y\"; Bus.Fired += () => Bus.Last += \"z\"; } }", optimize);
        p.Call("S.App", "Start");
        Fire(p).Should().Be("xyz");
        Edit(p, "Bus.Fired += () => Bus.Last += \"x\"; Bus.Fired += () => Bus.Last += \"y\";", "Bus.Fired += () => Bus.Last += \"y\"; Bus.Fired += () => Bus.Last += \"x\";", optimize)
            .Changed.Should().ContainSingle("only Start changed: it subscribes in another order");
        Fire(p).Should().Be("xyz", "each existing subscription kept its own lambda through the reorder");
        Edit(p, "\"x\"", "\"X\"", optimize);
        Fire(p).Should().Be("Xyz");
        Edit(p, "Bus.Fired += () => Bus.Last += \"y\"; ", "", optimize);
        Fire(p).Should().Be("Xyz", "a removed lambda's existing delegates keep running its last body");
        Edit(p, "\"z\"", "\"Z\"", optimize);
        Fire(p).Should().Be("XyZ");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void A_subscribed_lambda_that_now_captures_a_local_is_reported_and_new_subscriptions_run_the_new_body(bool optimize)
    {
        var p = Live(Bus + "public static class App { public static void Start() { Bus.Fired += () => Bus.Last += \"a\"; } }", optimize);
        p.Call("S.App", "Start");
        Edit(p, "Bus.Fired += () => Bus.Last += \"a\";", "var n = 4; Bus.Fired += () => Bus.Last += \"b\" + n;", optimize);
        p.Stale.Should().ContainSingle().Which.Reason.Should().Contain("captures");
        Fire(p).Should().Be("a", "the old subscription has no n to read: it keeps its body");
        p.Call("S.App", "Start");
        Fire(p).Should().Be("ab4");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Nested_lambdas_and_lambdas_in_initializers_constructors_accessors_and_local_functions_take_edits(bool optimize)
    {
        var p = Live("""
            public class Holder
            {
                public System.Func<int> FromInitializer = () => 1;
                public System.Func<int> FromConstructor;
                public System.Func<int, System.Func<int>> Nested = q => () => q + 10;
                public Holder(int c) { FromConstructor = () => c + 2; }
                public System.Func<int> FromGetter => () => 3;
                public System.Func<int> FromLocal() { System.Func<int> Make() { return () => 4; } return Make(); }
                public int Sum(System.Func<int> g, System.Func<int> l) => FromInitializer() + FromConstructor() + Nested(5)() + g() + l();
            }
            """, optimize);
        var h = p.New("S.Holder", 100);
        var getter = (Func<int>)h.GetType().GetProperty("FromGetter")!.GetValue(h)!;
        var local = (Func<int>)p.CallOn(h, "FromLocal")!;
        p.CallOn(h, "Sum", getter, local).Should().Be(1 + 102 + 15 + 3 + 4);
        var source = p.Source.Replace("() => 1;", "() => 1000;").Replace("() => c + 2;", "() => c * 2;").Replace("() => q + 10", "() => q + 20")
            .Replace("() => 3;", "() => 30;").Replace("() => 4;", "() => 40;");
        p.Edit(source, optimize).RudeEdits.Should().BeEmpty();
        p.CallOn(h, "Sum", getter, local).Should().Be(1000 + 200 + 25 + 30 + 40, "every delegate made before the edit runs its new body");
        p.Stale.Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Configurations))]
    public async Task Lambdas_made_in_iterators_and_async_methods_take_edits(bool optimize)
    {
        var p = Live("""
            public static class Made
            {
                public static System.Collections.Generic.IEnumerable<System.Func<int>> InIterator(int k) { yield return () => k + 1; yield return static () => 2; }
                public static async System.Threading.Tasks.Task<System.Func<int>> InAsync(int k) { await System.Threading.Tasks.Task.Yield(); return () => k + 3; }
            }
            """, optimize);
        var fromIterator = ((IEnumerable<Func<int>>)p.Call("S.Made", "InIterator", 10)!).ToList();
        var fromAsync = await (Task<Func<int>>)p.Call("S.Made", "InAsync", 10)!;
        Edit(p, "() => k + 1", "() => k + 100", optimize);
        Edit(p, "static () => 2", "static () => 200", optimize);
        Edit(p, "() => k + 3", "() => k + 300", optimize);
        fromIterator.Select(f => f()).Should().Equal(110, 200);
        fromAsync().Should().Be(310);
        p.Stale.Should().BeEmpty();
    }

    [Theory, MemberData(nameof(Configurations))]
    public void A_lambda_capturing_a_primary_constructor_parameter_takes_an_edit(bool optimize)
    {
        var p = Live("public class Counter(int start) { public System.Func<int> Next() => () => start++; }", optimize);
        var next = (Func<int>)p.CallOn(p.New("S.Counter", 7), "Next")!;
        next().Should().Be(7);
        Edit(p, "() => start++", "() => start += 10", optimize);
        next().Should().Be(18, "the captured parameter keeps its state");
    }

    [Theory, MemberData(nameof(Configurations))]
    public async Task An_async_lambda_runs_its_new_body_for_new_calls_while_a_suspended_call_finishes_on_the_old(bool optimize)
    {
        var p = Live("public static class App { public static System.Func<System.Threading.Tasks.Task, System.Threading.Tasks.Task<string>> Handler = async gate => { await gate; return \"old\"; }; }", optimize);
        var handler = (Func<Task, Task<string>>)p.TypeOf("S.App").GetField("Handler")!.GetValue(null)!;
        var gate = new TaskCompletionSource();
        var suspended = handler(gate.Task);
        Edit(p, "await gate; return \"old\";", "await gate; await System.Threading.Tasks.Task.Yield(); return \"new\";", optimize);
        (await handler(Task.CompletedTask)).Should().Be("new");
        gate.SetResult();
        (await suspended).Should().Be("old");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Lambdas_of_generic_types_and_methods_take_edits(bool optimize)
    {
        var p = Live("""
            public class Box<T>(T value) { public System.Func<string> Show() => () => "a" + value; public static System.Func<T, string> Format = v => "f" + v; }
            public static class Maker { public static System.Func<string> Wrap<U>(U u) => () => "w" + u; }
            public static class Use
            {
                public static System.Func<string>[] All() => [new Box<int>(1).Show(), new Box<string>("s").Show(), () => Box<int>.Format(2), Maker.Wrap(3), Maker.Wrap("x")];
            }
            """, optimize);
        var all = (Func<string>[])p.Call("S.Use", "All")!;
        string.Concat(all.Select(f => f())).Should().Be("a1asf2w3wx");
        Edit(p, "() => \"a\" + value", "() => \"b\" + value", optimize);
        Edit(p, "v => \"f\" + v", "v => \"g\" + v", optimize);
        Edit(p, "() => \"w\" + u", "() => \"v\" + u", optimize);
        string.Concat(all.Select(f => f())).Should().Be("b1bsg2v3vx");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void A_lambda_without_line_information_is_matched_by_its_code_and_not_reported_as_new(bool optimize)
    {
        // Generators write code under #line hidden (Razor's tag helpers): its lambdas have no place in the source.
        var p = Live("public static class M {\n#line hidden\n static readonly System.Func<int> Hidden = () => 7;\n#line default\n public static int G() => Hidden() + 1; }", optimize);
        var changes = Edit(p, "Hidden() + 1", "Hidden() + 2", optimize);
        changes.Added.Should().BeEmpty("the hidden lambda is the one running, not a new one");
        changes.Changed.Should().ContainSingle();
        p.Call("S.M", "G").Should().Be(9);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E43_a_lambda_that_captures_more_is_reported_and_old_delegates_keep_their_body(bool optimize)
    {
        var p = Live("public static class M { public static System.Func<int> Make(int a, int b) => () => a; }", optimize);
        var old = (Func<int>)p.Call("S.M", "Make", 1, 2)!;
        Edit(p, "() => a;", "() => a + b * 10;", optimize);
        p.Stale.Should().ContainSingle().Which.Reason.Should().Contain("captures");
        p.Stale[0].Where!.StartLine.Should().Be(2);
        old().Should().Be(1, "its closure has no b: the body it was made with is the only correct one");
        ((Func<int>)p.Call("S.M", "Make", 1, 2)!)().Should().Be(21);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Static_lambdas_and_lambdas_that_stop_capturing_take_edits(bool optimize)
    {
        var p = Live("public static class M { public static System.Func<int> Make(int a, int b) => static () => 5; public static System.Func<int> Both(int a, int b) => () => a + b; }", optimize);
        var five = (Func<int>)p.Call("S.M", "Make", 1, 2)!;
        var both = (Func<int>)p.Call("S.M", "Both", 1, 2)!;
        Edit(p, "static () => 5", "static () => 6", optimize);
        Edit(p, "() => a + b;", "() => a * 100;", optimize);
        five().Should().Be(6);
        both().Should().Be(100, "the closure still holds a; b is no longer needed");
        p.Stale.Should().BeEmpty();
    }

    private static string Fire(LiveProgram p)
    {
        p.TypeOf("S.Bus").GetField("Last")!.SetValue(null, "");
        p.Call("S.Bus", "Fire");
        return (string)p.TypeOf("S.Bus").GetField("Last")!.GetValue(null)!;
    }

    private static LiveProgram Live(string body, bool optimize, string usings = "") => new(usings + "namespace S;\n" + body, optimize);

    private static ChangeSet Edit(LiveProgram program, string oldText, string newText, bool optimize)
    {
        var changes = program.Edit(oldText, newText, optimize);
        changes.RudeEdits.Should().BeEmpty();
        return changes;
    }
}
