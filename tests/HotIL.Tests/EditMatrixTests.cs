using HotIL.Tests.Support;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>
/// One scenario per row of the edit matrix (docs/edit-matrix.md), each run on unoptimized
/// (Debug) and optimized (Release) code through the real diff → patch → load → apply pipeline on a
/// woven assembly in this process. Rows that need a project, files or a second project run as
/// real processes in HotIL.EndToEnd.Tests.
/// </summary>
public class EditMatrixTests
{
    public static TheoryData<bool> Configurations => new() { false, true };

    [Theory, MemberData(nameof(Configurations))]
    public void E01_static_method_body(bool optimize)
    {
        var p = Live("public static class M { public static int F(int x) => x + 1; }", optimize);
        p.Call("S.M", "F", 1).Should().Be(2);
        Edit(p, "x + 1", "x * 10", optimize).Changed.Should().HaveCount(1);
        p.Call("S.M", "F", 2).Should().Be(20);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E02_instance_method_reading_and_writing_private_fields(bool optimize)
    {
        var p = Live("public class C { private int _n; private string _s = \"a\"; public string Step() { _n++; _s += _n; return _s; } }", optimize);
        var c = p.New("S.C");
        p.CallOn(c, "Step").Should().Be("a1");
        Edit(p, "_s += _n;", "_s += \"-\" + (_n * 10);", optimize);
        p.CallOn(c, "Step").Should().Be("a1-20");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E03_property_getter_and_setter(bool optimize)
    {
        var p = Live("public class C { private int _v; public int V { get => _v; set => _v = value; } }", optimize);
        var c = p.New("S.C");
        Prop(c, "V", 5);
        Edit(p, "get => _v; set => _v = value;", "get => _v * 2; set => _v = value + 1;", optimize);
        Prop(c, "V").Should().Be(10, "the live object kept 5 and the new getter doubles it");
        Prop(c, "V", 1);
        Prop(c, "V").Should().Be(4);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E04_constructor_body(bool optimize)
    {
        var p = Live("public class C { public int A; public C(int a) { A = a; } }", optimize);
        var old = p.New("S.C", 3);
        Edit(p, "A = a;", "A = a * 100;", optimize);
        Field(old, "A").Should().Be(3);
        Field(p.New("S.C", 3), "A").Should().Be(300);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E05_add_a_static_method_and_call_it(bool optimize)
    {
        var p = Live("public static class M { public static int F(int x) => x; }", optimize);
        Edit(p, "public static int F(int x) => x;", "public static int F(int x) => G(x) + 1; static int G(int y) => y * 7;", optimize)
            .Added.Should().ContainSingle();
        p.Call("S.M", "F", 2).Should().Be(15);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E06_add_a_private_instance_method_and_call_it_on_an_existing_object(bool optimize)
    {
        var p = Live("public class C { private int _n = 4; public int F() => _n; }", optimize);
        var c = p.New("S.C");
        Edit(p, "public int F() => _n;", "public int F() => Twice() + 1; private int Twice() => _n * 2;", optimize);
        p.CallOn(c, "F").Should().Be(9);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E07_deleted_method_called_from_old_code_throws_a_tombstone_exception(bool optimize)
    {
        var p = Live("public static class M { public static int Old() => 1; public static int F() => Old(); }", optimize);
        var old = p.TypeOf("S.M").GetMethod("Old")!;
        Edit(p, "public static int Old() => 1; public static int F() => Old();", "public static int F() => 2;", optimize);
        p.Call("S.M", "F").Should().Be(2);
        var call = () => old.Invoke(null, null);
        call.Should().Throw<System.Reflection.TargetInvocationException>().WithInnerException<MethodRemovedException>()
            .Which.Message.Should().Contain("S.M.Old()").And.Contain("generation 2");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E08_rename_a_method_and_its_callers(bool optimize)
    {
        var p = Live("public static class M { static int Old(int x) => x + 1; public static int F(int x) => Old(x); }", optimize);
        var changes = Edit(p, "static int Old(int x) => x + 1; public static int F(int x) => Old(x);",
            "static int Renamed(int x) => x + 2; public static int F(int x) => Renamed(x);", optimize);
        changes.Added.Should().ContainSingle(k => k.Value.Contains("Renamed"));
        changes.Removed.Should().ContainSingle(k => k.Value.Contains("Old"));
        p.Call("S.M", "F", 1).Should().Be(3);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E09_add_a_parameter_and_update_callers(bool optimize)
    {
        var p = Live("public static class M { static int G(int x) => x; public static int F(int x) => G(x); }", optimize);
        Edit(p, "static int G(int x) => x; public static int F(int x) => G(x);", "static int G(int x, int y) => x * y; public static int F(int x) => G(x, 3);", optimize);
        p.Call("S.M", "F", 5).Should().Be(15);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E10_change_a_return_type_and_update_callers(bool optimize)
    {
        var p = Live("public static class M { static int G() => 4; public static string F() => G().ToString(); }", optimize);
        Edit(p, "static int G() => 4; public static string F() => G().ToString();", "static string G() => \"four\"; public static string F() => G();", optimize);
        p.Call("S.M", "F").Should().Be("four");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E11_add_a_class_in_an_existing_file_and_use_it(bool optimize)
    {
        var p = Live("public static class M { public static string F() => \"none\"; }", optimize);
        var changes = Edit(p, "public static string F() => \"none\"; }", "public static string F() => new Helper(\"x\").Shout(); } public class Helper(string s) { public string Shout() => s.ToUpperInvariant() + \"!\"; }", optimize);
        changes.AddedTypes.Should().Contain("S.Helper");
        p.Call("S.M", "F").Should().Be("X!");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E13_edit_again_a_type_an_earlier_reload_added(bool optimize)
    {
        var p = Live("public static class M { public static object Make() => 0; }", optimize);
        Edit(p, "public static object Make() => 0; }", "public static object Make() => new Box(); } public class Box { private int _n; public int Next() => ++_n; }", optimize);
        var box = p.Call("S.M", "Make")!;
        p.CallOn(box, "Next").Should().Be(1);
        Edit(p, "public int Next() => ++_n;", "public int Next() => _n += 10;", optimize);
        p.CallOn(box, "Next").Should().Be(11, "the live instance kept its state and identity");
        p.Call("S.M", "Make")!.GetType().Should().BeSameAs(box.GetType());
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E14_add_a_static_field_with_an_initialiser_and_use_it(bool optimize)
    {
        var p = Live("public static class M { public static int F() => 1; }", optimize);
        Edit(p, "public static int F() => 1;", "static int _calls = 41; public static int F() => ++_calls;", optimize);
        p.Call("S.M", "F").Should().Be(42);
        p.Call("S.M", "F").Should().Be(43);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E15_add_an_instance_field_with_an_initialiser_to_a_class_with_live_objects(bool optimize)
    {
        var p = Live("public class C { public int A = 1; public int F() => A; }", optimize);
        var old = p.New("S.C");
        Edit(p, "public int F() => A;", "private int _bonus = 100; public int F() => A + _bonus++;", optimize);
        p.CallOn(old, "F").Should().Be(101, "an existing object reads the initialiser's value, not a silent zero");
        p.CallOn(old, "F").Should().Be(102);
        p.CallOn(p.New("S.C"), "F").Should().Be(101, "a new object runs the initialiser too");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E16_remove_a_field_and_every_use_of_it(bool optimize)
    {
        var p = Live("public class C { public int A = 1; private int _b = 2; public int F() => A + _b; }", optimize);
        var c = p.New("S.C");
        Edit(p, "private int _b = 2; public int F() => A + _b;", "public int F() => A * 10;", optimize);
        p.CallOn(c, "F").Should().Be(10);
        Field(c, "A").Should().Be(1);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E17_edit_a_lambdas_body(bool optimize)
    {
        var p = Live("public static class M { public static System.Func<int, int> Make() => x => x + 1; }", optimize);
        var old = (Func<int, int>)p.Call("S.M", "Make")!;
        Edit(p, "x => x + 1", "x => x * 100", optimize);
        ((Func<int, int>)p.Call("S.M", "Make")!)(2).Should().Be(200);
        old(2).Should().Be(200, "a delegate created before the edit runs the new body too");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E18_change_what_a_lambda_captures(bool optimize)
    {
        var p = Live("public static class M { public static System.Func<int> Make(int a, int b) => () => a; }", optimize);
        var old = (Func<int>)p.Call("S.M", "Make", 1, 2)!;
        Edit(p, "() => a;", "() => a + b * 10;", optimize);
        ((Func<int>)p.Call("S.M", "Make", 1, 2)!)().Should().Be(21);
        old().Should().Be(1, "its closure never captured b, so it keeps the body it was made with (reported, HOTIL2005)");
        p.Stale.Should().ContainSingle();
    }

    [Theory, MemberData(nameof(Configurations))]
    public async Task E19_edit_an_async_method_adding_an_await_while_an_older_call_is_suspended(bool optimize)
    {
        var p = Live("public static class M { public static async System.Threading.Tasks.Task<string> F(System.Threading.Tasks.Task gate) { await gate; return \"old\"; } }", optimize);
        var gate = new TaskCompletionSource();
        var suspended = (Task<string>)p.Call("S.M", "F", gate.Task)!;
        Edit(p, "await gate; return \"old\";", "await gate; await System.Threading.Tasks.Task.Yield(); return \"new\";", optimize);
        gate.SetResult();
        (await suspended).Should().Be("old");
        (await (Task<string>)p.Call("S.M", "F", Task.CompletedTask)!).Should().Be("new");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E20_edit_an_iterator_while_an_older_enumeration_is_in_progress(bool optimize)
    {
        var p = Live("public static class M { public static System.Collections.Generic.IEnumerable<int> F() { yield return 1; yield return 2; yield return 3; } }", optimize);
        var old = ((IEnumerable<int>)p.Call("S.M", "F")!).GetEnumerator();
        old.MoveNext();
        Edit(p, "yield return 1; yield return 2; yield return 3;", "yield return 10; yield return 20;", optimize);
        old.MoveNext().Should().BeTrue();
        old.Current.Should().Be(2, "the enumeration in progress finishes on the old code");
        ((IEnumerable<int>)p.Call("S.M", "F")!).Should().Equal(10, 20);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E21_edit_a_generic_methods_body_used_with_int_and_string(bool optimize)
    {
        var p = Live("public static class M { public static string Show<T>(T v) => \"a:\" + v; public static string Use() => Show(1) + Show(\"s\"); }", optimize);
        p.Call("S.M", "Use").Should().Be("a:1a:s");
        Edit(p, "\"a:\" + v", "\"b:\" + v", optimize);
        p.Call("S.M", "Use").Should().Be("b:1b:s");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E22_edit_a_method_of_a_generic_class(bool optimize)
    {
        var p = Live("public class Box<T>(T v) { public string Show() => \"a:\" + v; } public static class M { public static string Use() => new Box<int>(1).Show() + new Box<string>(\"s\").Show(); }", optimize);
        p.Call("S.M", "Use").Should().Be("a:1a:s");
        Edit(p, "\"a:\" + v", "\"b:\" + v", optimize);
        p.Call("S.M", "Use").Should().Be("b:1b:s");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E23_add_an_override_of_a_base_virtual_method(bool optimize)
    {
        var p = Live("public class B { public virtual string Who() => \"base\"; } public class D : B { } public static class M { public static object Make() => new D(); public static string Ask(B b) => b.Who(); }", optimize);
        var d = p.Call("S.M", "Make")!;
        Edit(p, "public class D : B { }", "public class D : B { public override string Who() => \"derived \" + base.Who(); }", optimize);
        p.Call("S.M", "Ask", d).Should().Be("derived base", "the existing object dispatches to the added override");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E24_add_a_virtual_method_with_an_override(bool optimize)
    {
        var p = Live("public class B { } public class D : B { } public static class M { public static string Ask(B b) => \"none\"; }", optimize);
        var d = p.New("S.D");
        Edit(p, "public class B { } public class D : B { } public static class M { public static string Ask(B b) => \"none\"; }",
            "public class B { public virtual string Who() => \"base\"; } public class D : B { public override string Who() => \"derived\"; } public static class M { public static string Ask(B b) => b.Who(); }", optimize);
        p.Call("S.M", "Ask", d).Should().Be("derived");
        p.Call("S.M", "Ask", p.New("S.B")).Should().Be("base", "a receiver no override claims runs the added method's own body");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E25_edit_the_body_of_a_virtual_method_and_of_an_override(bool optimize)
    {
        var p = Live("public class B { public virtual string Who() => \"b1\"; } public class D : B { public override string Who() => \"d1+\" + base.Who(); } public static class M { public static string Ask(B b) => b.Who(); }", optimize);
        var d = p.New("S.D");
        Edit(p, "\"b1\"", "\"b2\"", optimize);
        Edit(p, "\"d1+\"", "\"d2+\"", optimize);
        p.Call("S.M", "Ask", d).Should().Be("d2+b2");
        p.Call("S.M", "Ask", p.New("S.B")).Should().Be("b2");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E26_edit_a_local_function(bool optimize)
    {
        var p = Live("public static class M { public static int F(int x) { return Twice(x) + 1; int Twice(int y) => y * 2; } }", optimize);
        Edit(p, "y * 2", "y * 5", optimize);
        p.Call("S.M", "F", 2).Should().Be(11);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E27_edit_an_operator_and_a_conversion(bool optimize)
    {
        var p = Live("public readonly record struct V(int X) { public static V operator +(V a, V b) => new(a.X + b.X); public static implicit operator int(V v) => v.X; } public static class M { public static int F() => new V(2) + new V(3); }", optimize);
        p.Call("S.M", "F").Should().Be(5);
        Edit(p, "new(a.X + b.X)", "new(a.X * b.X)", optimize);
        Edit(p, "=> v.X;", "=> v.X + 1000;", optimize);
        p.Call("S.M", "F").Should().Be(1006);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E28_edit_an_extension_method(bool optimize)
    {
        var p = Live("public static class Ext { public static string Loud(this string s) => s + \"!\"; } public static class M { public static string F() => \"hi\".Loud(); }", optimize);
        Edit(p, "s + \"!\"", "s.ToUpperInvariant() + \"!!\"", optimize);
        p.Call("S.M", "F").Should().Be("HI!!");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E29_edit_a_method_using_stackalloc_span_and_pointers(bool optimize)
    {
        var p = Live("public static unsafe class M { public static int F(int n) { System.Span<int> s = stackalloc int[n]; for (var i = 0; i < n; i++) s[i] = i; fixed (int* q = s) { return q[n - 1]; } } }", optimize);
        p.Call("S.M", "F", 4).Should().Be(3);
        Edit(p, "s[i] = i;", "s[i] = i * i;", optimize);
        p.Call("S.M", "F", 4).Should().Be(9);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E31_add_an_enum_member_and_use_it(bool optimize)
    {
        var p = Live("public enum Color { Red, Green } public static class M { public static string F(Color c) => c switch { Color.Red => \"r\", _ => \"?\" }; public static string G() => F(Color.Green); }", optimize);
        var changes = Edit(p, "Red, Green }", "Red, Green, Blue }", optimize);
        changes.Warnings.Should().ContainSingle(w => w.Id == "HOTIL2002" && w.Message.Contains("Blue"));
        Edit(p, "Color.Red => \"r\",", "Color.Red => \"r\", Color.Blue => \"b\",", optimize);
        Edit(p, "F(Color.Green)", "F(Color.Blue)", optimize);
        p.Call("S.M", "G").Should().Be("b", "new code compiles the new member's value in");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E32_edit_an_instance_method_of_a_struct(bool optimize)
    {
        var p = Live("public struct P { public int X; public void Move(int d) { X += d; } } public static class M { public static int F() { var p = new P(); p.Move(2); p.Move(3); return p.X; } }", optimize);
        Edit(p, "X += d;", "X += d * 10;", optimize);
        p.Call("S.M", "F").Should().Be(50);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E33_add_a_field_to_a_struct_is_rejected_cleanly(bool optimize)
    {
        var p = Live("public struct P { public int X; public int F() => X; }", optimize);
        var changes = Edit(p, "public int X; public int F() => X;", "public int X; public int Y; public int F() => X + Y;", optimize);
        changes.RudeEdits.Should().ContainSingle(r => r.Kind == RudeEditKind.FieldAdded && r.MemberName == "Y");
        p.Generation.Should().Be(1);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E34_change_a_base_class_is_rejected_cleanly(bool optimize)
    {
        var p = Live("public class A { } public class B { } public class C : A { public int F() => 1; }", optimize);
        var changes = Edit(p, "public class C : A", "public class C : B", optimize);
        changes.RudeEdits.Should().ContainSingle(r => r.Kind == RudeEditKind.BaseTypeChanged);
        p.Generation.Should().Be(1);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E35_edit_a_static_constructor_gives_a_warning_and_the_rest_applies(bool optimize)
    {
        var p = Live("public static class M { static readonly int Seed = 1; public static int F() => Seed; }", optimize);
        var changes = Edit(p, "Seed = 1; public static int F() => Seed;", "Seed = 2; public static int F() => Seed + 100;", optimize);
        changes.Warnings.Should().ContainSingle(w => w.Id == "HOTIL2001");
        p.Call("S.M", "F").Should().Be(101, "the initializer does not run again; the edited method does");
    }

    private static LiveProgram Live(string body, bool optimize) => new("namespace S;\n" + body, optimize);

    private static ChangeSet Edit(LiveProgram program, string oldText, string newText, bool optimize)
    {
        var source = program.Source;
        source.Should().Contain(oldText);
        var changes = program.Edit(source.Replace(oldText, newText), optimize);
        changes.RudeEdits.Where(r => r.Kind is not (RudeEditKind.FieldAdded or RudeEditKind.BaseTypeChanged)).Should().BeEmpty();
        return changes;
    }

    private static object? Prop(object target, string name) => target.GetType().GetProperty(name)!.GetValue(target);

    private static void Prop(object target, string name, object value) => target.GetType().GetProperty(name)!.SetValue(target, value);

    private static object? Field(object target, string name) => target.GetType().GetField(name)!.GetValue(target);
}
