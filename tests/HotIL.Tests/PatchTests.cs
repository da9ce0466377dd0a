using HotIL.Tests.Support;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>The reload pipeline (diff → patch → load → apply) on woven assemblies in this process.</summary>
public class PatchTests
{
    private const string Version1 = """
        namespace Sample;
        public class Counter
        {
            private int _count;
            public int Step() { _count += Increment(); return _count; }
            private int Increment() => 1;
            public string Describe() => $"count {_count}";
        }
        public static class Tools
        {
            public static int Helper() => 1;
            public static int UseHelper() => Helper() + 1;
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Changed_instance_method_runs_on_the_live_object_with_its_private_state(bool optimize)
    {
        var program = new LiveProgram(Version1, optimize);
        var counter = program.New("Sample.Counter");
        program.CallOn(counter, "Step");
        program.CallOn(counter, "Step").Should().Be(2);

        var changes = program.Edit(Version1.Replace("private int Increment() => 1;", "private int Increment() => 10;"), optimize);

        changes.Changed.Select(k => k.DisplayName).Should().Equal("Sample.Counter.Increment()");
        program.CallOn(counter, "Step").Should().Be(12, "the object kept its count and the new body ran");
        program.Generation.Should().Be(2);
    }

    [Fact]
    public void Added_method_and_added_type_are_used_by_an_edited_method()
    {
        var program = new LiveProgram(Version1);
        var counter = program.New("Sample.Counter");
        program.CallOn(counter, "Step");

        var changes = program.Edit(Version1
            .Replace("""public string Describe() => $"count {_count}";""", """public string Describe() => Format.Show(Label(), _count);  private string Label() => "total";""")
            .Replace("public static class Tools", """public static class Format { public static string Show(string label, int n) => $"{label}={n}"; } public static class Tools"""));

        changes.Added.Select(k => k.DisplayName).Should().Contain("Sample.Counter.Label()");
        changes.AddedTypes.Should().Contain("Sample.Format");
        program.CallOn(counter, "Describe").Should().Be("total=1");
    }

    [Fact]
    public void Type_added_by_a_reload_can_be_edited_again_and_keeps_its_instances()
    {
        const string withBox = """
            namespace Sample;
            public class Box { public int Value; public int Get() => Value; }
            public static class Factory { public static object Make() => new Box { Value = 5 }; }
            """;
        var program = new LiveProgram("namespace Sample; public static class Factory { public static object Make() => 0; }");
        program.Edit(withBox).AddedTypes.Should().Contain("Sample.Box");
        var box = program.Call("Sample.Factory", "Make")!;
        program.CallOn(box, "Get").Should().Be(5);

        var changes = program.Edit(withBox.Replace("public int Get() => Value;", "public int Get() => Value * 3;"));

        changes.Changed.Select(k => k.DisplayName).Should().Equal("Sample.Box.Get()");
        program.CallOn(box, "Get").Should().Be(15, "the live Box from generation 2 runs generation 3's Get");
        program.Call("Sample.Factory", "Make")!.GetType().Should().BeSameAs(box.GetType(), "the type keeps its identity");
    }

    [Fact]
    public void Deleted_method_called_from_old_code_throws_tombstone_exception_naming_method_and_generation()
    {
        var program = new LiveProgram(Version1);
        program.Call("Sample.Tools", "UseHelper").Should().Be(2);
        var oldHelper = program.TypeOf("Sample.Tools").GetMethod("Helper")!;

        program.Edit(Version1.Replace("public static int Helper() => 1;", "").Replace("Helper() + 1", "2"));

        program.Call("Sample.Tools", "UseHelper").Should().Be(2);
        var call = () => oldHelper.Invoke(null, null);
        var removed = call.Should().Throw<System.Reflection.TargetInvocationException>().WithInnerException<MethodRemovedException>().Which;
        removed.Method.Should().Be("Sample.Tools.Helper()");
        removed.Generation.Should().Be(2);
        removed.Message.Should().Contain("Sample.Tools.Helper()").And.Contain("generation 2");
    }

    [Fact]
    public void Changed_signature_tombstones_the_old_one_and_callers_use_the_new_one()
    {
        var program = new LiveProgram(Version1);
        var changes = program.Edit(Version1.Replace("public static int Helper() => 1;", "public static int Helper(int x) => x;").Replace("Helper() + 1", "Helper(40) + 2"));

        changes.Removed.Select(k => k.DisplayName).Should().Equal("Sample.Tools.Helper()");
        changes.Added.Select(k => k.DisplayName).Should().Equal("Sample.Tools.Helper(System.Int32)");
        program.Call("Sample.Tools", "UseHelper").Should().Be(42);
    }

    [Fact]
    public void Rude_edit_is_rejected_before_anything_is_loaded_and_the_old_code_keeps_running()
    {
        var program = new LiveProgram(Version1 + "public class Base { }");
        var counter = program.New("Sample.Counter");

        var changes = program.Edit((Version1 + "public class Base { }").Replace("public class Counter", "public class Counter : Base").Replace("_count += Increment();", "_count += Increment() + 5;"));

        changes.CanApply.Should().BeFalse();
        changes.RudeEdits.Should().ContainSingle(r => r.Kind == RudeEditKind.BaseTypeChanged && r.TypeFullName == "Sample.Counter");
        changes.RudeEdits[0].Id.Should().Be("HOTIL1003");
        program.Generation.Should().Be(1);
        program.CallOn(counter, "Step").Should().Be(1);
    }

    [Fact]
    public void Edited_lambda_is_applied_as_the_lambda_and_not_as_the_method_that_creates_it()
    {
        const string source = """
            using System;
            using System.Linq;
            namespace Sample;
            public static class Pipeline { public static int Run() => new[] { 1, 2, 3 }.Select(x => x * 2).Sum(); }
            """;
        var program = new LiveProgram(source);
        program.Call("Sample.Pipeline", "Run").Should().Be(12);

        var changes = program.Edit(source.Replace("x => x * 2", "x => x * 10"));

        changes.Changed.Select(k => k.DisplayName).Should().Equal("Sample.Pipeline.<>c.<Run>b__0_0(System.Int32)");
        program.Call("Sample.Pipeline", "Run").Should().Be(60);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Edited_property_constructor_and_struct_method_bodies_apply_to_old_and_new_objects(bool optimize)
    {
        const string source = """
            namespace Sample;
            public struct Point { public int X; public void Move(int d) { X += d; } }
            public class Tank
            {
                private int _level;
                public Tank(int start) { _level = start; }
                public int Level { get => _level; set => _level = value; }
            }
            public static class Probe { public static int MovePoint() { var p = new Point(); p.Move(2); p.Move(3); return p.X; } }
            """;
        var program = new LiveProgram(source, optimize);
        var oldTank = program.New("Sample.Tank", 5);

        var changes = program.Edit(source
            .Replace("X += d;", "X += d * 10;")
            .Replace("_level = start;", "_level = start * 2;")
            .Replace("get => _level;", "get => _level + 1;"), optimize);

        changes.Changed.Should().HaveCount(3);
        program.Call("Sample.Probe", "MovePoint").Should().Be(50, "mutations through the by-ref receiver land in the caller's struct");
        oldTank.GetType().GetProperty("Level")!.GetValue(oldTank).Should().Be(6, "the existing object keeps its state and runs the new getter");
        var newTank = program.New("Sample.Tank", 5);
        newTank.GetType().GetProperty("Level")!.GetValue(newTank).Should().Be(11, "objects created after the edit run the new constructor");
    }

    [Fact]
    public void Failed_apply_leaves_every_slot_as_it_was()
    {
        var program = new LiveProgram(Version1);
        var counter = program.New("Sample.Counter");
        var edited = LiveProgram.Compile(Version1.Replace("private int Increment() => 1;", "private int Increment() => 10;")
            .Replace("Helper() + 1", "Helper() + 100"));

        // A slot the program does not have makes the apply fail after the patch has loaded.
        var apply = () => program.Apply(edited, patch => patch.Repoint(new HotIL.Weaver.MethodKey("Sample.Missing::Gone():System.Void"), 0));

        apply.Should().Throw<InvalidOperationException>().WithMessage("*no slot*");
        program.CallOn(counter, "Step").Should().Be(1, "Increment still runs generation 1");
        program.Call("Sample.Tools", "UseHelper").Should().Be(2, "UseHelper still runs generation 1");
        program.Generation.Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Added_fields_keep_their_values_across_later_reloads_and_work_by_reference(bool optimize)
    {
        const string v1 = "namespace S; public class C { public int Hits() => 0; public string Tag() => \"\"; }";
        var program = new LiveProgram(v1, optimize);
        var c = program.New("S.C");

        program.Edit("namespace S; public class C { private int _hits; private string _tag = \"t\"; public int Hits() => System.Threading.Interlocked.Increment(ref _hits); public string Tag() => _tag; }", optimize)
            .AddedFields.Select(f => f.Name).Should().BeEquivalentTo(["_hits", "_tag"]);
        program.CallOn(c, "Hits").Should().Be(1);
        program.CallOn(c, "Hits").Should().Be(2);

        program.Edit("namespace S; public class C { private int _hits; private string _tag = \"t\"; public int Hits() => _hits += 10; public string Tag() => _tag + _hits; }", optimize)
            .AddedFields.Should().BeEmpty("the fields were added by the previous generation");
        program.CallOn(c, "Hits").Should().Be(12, "the value stored by generation 2 is still there");
        program.CallOn(c, "Tag").Should().Be("t12");
        program.Generations.Single(g => g.Number == 2).PinnedBecause.Should().Contain("fields");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generic_code_reloads_for_every_instantiation_including_ones_first_used_after_the_reload(bool optimize)
    {
        const string source = """
            using System;
            namespace S;
            public struct Cell<T> { public T Value; public void Set(T v) { Value = v; } }
            public class Pair<TKey, TValue>(TKey key, TValue value)
            {
                public string Describe<TExtra>(TExtra extra) where TExtra : IComparable<TExtra> => $"v1 {key}={value} {extra.CompareTo(extra)}";
            }
            public static class M
            {
                public static string Show<T>(T v) => "v1:" + v;
                public static string Early() => Show(1) + Show("s");
                public static string Late() => Show(2.5) + Show(new Version(1, 2));
                public static string Pairs() => new Pair<int, string>(1, "a").Describe(3) + "|" + new Pair<string, object>("k", 7).Describe("x");
                public static int Cells() { var c = new Cell<int>(); c.Set(4); return c.Value; }
            }
            """;
        var program = new LiveProgram(source, optimize);
        program.Call("S.M", "Early").Should().Be("v1:1v1:s");
        program.Call("S.M", "Pairs").Should().Be("v1 1=a 0|v1 k=7 0");
        program.Call("S.M", "Cells").Should().Be(4);

        var changes = program.Edit(source.Replace("\"v1:\" + v", "\"v2:\" + v").Replace("$\"v1 {key}", "$\"v2 {key}").Replace("Value = v;", "Value = v; Value = v;").Replace("c.Set(4)", "c.Set(5)"), optimize);

        changes.Changed.Should().HaveCount(4);
        program.Call("S.M", "Early").Should().Be("v2:1v2:s", "instantiations used before the reload were repointed");
        program.Call("S.M", "Late").Should().Be("v2:2.5v2:1.2", "instantiations first used after the reload get the new body");
        program.Call("S.M", "Pairs").Should().Be("v2 1=a 0|v2 k=7 0");
        program.Call("S.M", "Cells").Should().Be(5);
    }

    [Fact]
    public void Generic_method_added_by_a_reload_can_be_edited_again()
    {
        const string v2 = "namespace S; public static class M { public static string F() => Wrap(1) + Wrap(\"s\"); static string Wrap<T>(T v) => \"[\" + v + \"]\"; }";
        var program = new LiveProgram("namespace S; public static class M { public static string F() => \"\"; }");
        program.Edit(v2).Added.Should().ContainSingle();
        program.Call("S.M", "F").Should().Be("[1][s]");

        program.Edit(v2.Replace("\"[\" + v + \"]\"", "\"<\" + v + \">\"")).Changed.Should().ContainSingle();

        program.Call("S.M", "F").Should().Be("<1><s>");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Added_overrides_dispatch_on_live_objects_across_later_edits_of_the_base_the_override_and_a_sibling(bool optimize)
    {
        const string v1 = """
            namespace S;
            public class Animal { public virtual string Sound() => "..."; }
            public class Dog : Animal { }
            public class Puppy : Dog { }
            public class Cat : Animal { }
            public static class Zoo { public static string Hear(Animal a) => a.Sound(); public static string HearDog(Dog d) => d.Sound(); }
            """;
        var program = new LiveProgram(v1, optimize);
        var (animal, dog, puppy, cat) = (program.New("S.Animal"), program.New("S.Dog"), program.New("S.Puppy"), program.New("S.Cat"));
        string Hear(object a) => (string)program.Call("S.Zoo", "Hear", a)!;

        var v2 = v1.Replace("public class Dog : Animal { }", "public class Dog : Animal { public override string Sound() => \"woof \" + base.Sound(); }");
        program.Edit(v2, optimize).AddedOverrides.Should().ContainSingle();
        (Hear(dog), Hear(puppy), Hear(animal), Hear(cat)).Should().Be(("woof ...", "woof ...", "...", "..."));
        program.Call("S.Zoo", "HearDog", puppy).Should().Be("woof ...", "a virtual call typed as Dog still dispatches on the runtime type");

        var v3 = v2.Replace("public virtual string Sound() => \"...\";", "public virtual string Sound() => \"(silence)\";");
        program.Edit(v3, optimize).Changed.Should().ContainSingle();
        (Hear(dog), Hear(animal)).Should().Be(("woof (silence)", "(silence)"), "the base body changed behind the dispatcher");

        var v4 = v3.Replace("public class Cat : Animal { }", "public class Cat : Animal { public override string Sound() => \"meow\"; }")
            .Replace("\"woof \" + base.Sound()", "\"WOOF\"");
        program.Edit(v4, optimize);
        (Hear(dog), Hear(puppy), Hear(cat), Hear(animal)).Should().Be(("WOOF", "WOOF", "meow", "(silence)"));

        var v5 = v4.Replace("public class Puppy : Dog { }", "public class Puppy : Dog { public override string Sound() => \"yip, \" + base.Sound(); }");
        program.Edit(v5, optimize);
        (Hear(puppy), Hear(dog)).Should().Be(("yip, WOOF", "WOOF"), "the most derived override wins and its base call reaches the added override");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_method_edited_before_an_override_of_it_is_added_keeps_its_edited_body_for_every_other_receiver(bool optimize)
    {
        const string v1 = """
            namespace S;
            public class Animal { public virtual string Sound() => "..."; }
            public class Dog : Animal { }
            public static class Zoo { public static string Hear(Animal a) => a.Sound(); }
            """;
        var program = new LiveProgram(v1, optimize);
        var (animal, dog) = (program.New("S.Animal"), program.New("S.Dog"));
        string Hear(object a) => (string)program.Call("S.Zoo", "Hear", a)!;

        var v2 = v1.Replace("\"...\"", "\"(silence)\"");
        program.Edit(v2, optimize).Changed.Should().ContainSingle();
        var v3 = v2.Replace("public class Dog : Animal { }", "public class Dog : Animal { public override string Sound() => \"woof \" + base.Sound(); }");
        program.Edit(v3, optimize).AddedOverrides.Should().ContainSingle();

        // The dispatcher's body slot starts at generation 3's copy of the edited body, not at the original one.
        (Hear(animal), Hear(dog)).Should().Be(("(silence)", "woof (silence)"));
    }
}
