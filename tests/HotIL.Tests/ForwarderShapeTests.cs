using HotIL.Tests.Support;
using HotIL.Weaver;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>
/// What the forwarder shape chosen for speed (decisions 0008 and 0010) must not change: replaced
/// struct members still see and build the right values, mutating members still mutate the caller's
/// variable, and the edits that would make a copy observable are rejected.
/// </summary>
[Collection("lifetime")]
public sealed class ForwarderShapeTests
{
    public static TheoryData<bool> Configurations => [false, true];

    private const string Structs = """
        namespace S;
        public readonly struct V
        {
            public readonly int X;
            public V(int x) { X = x; }
            public int Twice() => X * 2;
        }
        public struct P
        {
            public int X;
            public void Move(int d) { X += d; }
            public int Get() => X;
            public readonly int Peek() => X;
        }
        public static class M
        {
            public static int Length(in V v) => v.X;
            public static void Bump(ref int x) { x += 1; }
            public static int Built() => new V(3).X;
            public static int Doubled() { var v = new V(3); return v.Twice(); }
            public static int ViaIn() { var v = new V(5); return Length(in v); }
            public static int Moved() { var p = new P(); p.Move(2); p.Move(3); return p.Peek(); }
            public static int Bumped() { var x = 1; Bump(ref x); Bump(ref x); return x; }
        }
        """;

    [Theory, MemberData(nameof(Configurations))]
    public void Replaced_struct_constructor_readonly_member_and_in_parameter_see_and_build_the_right_values(bool optimize)
    {
        var p = new LiveProgram(Structs, optimize);
        p.Call("S.M", "Built").Should().Be(3);

        Apply(p, "public V(int x) { X = x; }", "public V(int x) { X = x + 10; }", optimize);
        p.Call("S.M", "Built").Should().Be(13, "the replaced constructor builds a copy that is stored into the new value");

        Apply(p, "public int Twice() => X * 2;", "public int Twice() => X * 3;", optimize);
        p.Call("S.M", "Doubled").Should().Be(39);

        Apply(p, "public static int Length(in V v) => v.X;", "public static int Length(in V v) => v.X + 100;", optimize);
        p.Call("S.M", "ViaIn").Should().Be(115);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Replaced_mutating_members_still_change_the_callers_variable(bool optimize)
    {
        var p = new LiveProgram(Structs, optimize);

        Apply(p, "X += d;", "X += d * 10;", optimize);
        Apply(p, "x += 1;", "x += 5;", optimize);

        p.Call("S.M", "Moved").Should().Be(50);
        p.Call("S.M", "Bumped").Should().Be(11);
    }

    [Theory]
    [InlineData("public int Get() => X;", "public readonly int Get() => X;")]
    [InlineData("public readonly int Peek() => X;", "public int Peek() => X;")]
    [InlineData("public static int Length(in V v) => v.X;", "public static int Length(ref V v) => v.X;")]
    public void Changing_whether_a_member_may_modify_its_receiver_or_argument_is_rejected(string from, string to)
    {
        var p = new LiveProgram(Structs);
        var edited = Structs.Replace(from, to, StringComparison.Ordinal);
        if (to.Contains("ref V", StringComparison.Ordinal)) edited = edited.Replace("Length(in v)", "Length(ref v)", StringComparison.Ordinal);

        var changes = p.Edit(edited);

        changes.RudeEdits.Should().ContainSingle(r => r.Kind == RudeEditKind.ReadOnlinessChanged).Which.Id.Should().Be("HOTIL1013");
        p.Generation.Should().Be(1);
    }

    [Fact]
    public void Auto_property_accessors_are_left_unwoven_and_giving_one_a_body_is_a_rude_edit_naming_why()
    {
        const string source = "namespace S; public class C { public int A { get; set; } public int B { get => 1; } }";
        var p = new LiveProgram(source);

        p.Weave.Skipped.Where(s => s.Reason == Eligibility.AutoAccessorReason).Select(s => s.Key.DisplayName)
            .Should().BeEquivalentTo("S.C.get_A()", "S.C.set_A(System.Int32)");
        p.Weave.Slots.Select(s => s.Key.DisplayName).Should().Contain("S.C.get_B()");

        var changes = p.Edit(source.Replace("public int A { get; set; }", "private int _a; public int A { get => _a + 1; set => _a = value; }"));

        changes.RudeEdits.Should().Contain(r => r.Kind == RudeEditKind.MethodNotReloadable && r.Detail == Eligibility.AutoAccessorReason);
        p.Generation.Should().Be(1);
    }

    private static void Apply(LiveProgram program, string from, string to, bool optimize)
    {
        program.Source.Should().Contain(from);
        var changes = program.Edit(program.Source.Replace(from, to, StringComparison.Ordinal), optimize);
        changes.RudeEdits.Should().BeEmpty();
        changes.Changed.Should().NotBeEmpty();
    }
}
