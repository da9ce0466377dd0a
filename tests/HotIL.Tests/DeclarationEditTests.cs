using HotIL.Tests.Support;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>
/// Declaration edits users make every day, applied in place to a program with live objects, on unoptimized and
/// optimized code: added auto-properties, added constructors, records gaining members.
/// </summary>
public class DeclarationEditTests
{
    public static TheoryData<bool> Configurations => new() { false, true };

    [Theory, MemberData(nameof(Configurations))]
    public void E46_an_added_auto_property_is_read_with_its_initializer_by_existing_objects(bool optimize)
    {
        var p = Live("public class Dto { public int Id { get; set; } public string Describe() => $\"{Id}\"; public static Dto Make(int id) => new() { Id = id }; }", optimize);
        var old = p.Call("S.Dto", "Make", 5)!;
        var changes = Edit(p, "public string Describe() => $\"{Id}\";",
            "public string Note { get; set; } = \"n\"; public int Count { get; set; } public string Describe() => $\"{Id}:{Note}:{Count++}\";", optimize);
        changes.Warnings.Should().Contain(w => w.Id == "HOTIL2009" && w.MemberName == "Note", "reflection over the loaded type does not list the property");
        p.CallOn(old, "Describe").Should().Be("5:n:0", "the existing object reads the initializer's value, and the property without one its default");
        p.CallOn(old, "Describe").Should().Be("5:n:1", "the added property keeps what is stored in it");
        p.CallOn(p.Call("S.Dto", "Make", 7)!, "Describe").Should().Be("7:n:0");
    }

    [Fact]
    public void System_Text_Json_serializes_a_type_as_it_was_loaded_which_is_why_added_properties_are_reported()
    {
        var p = Live("public class Dto { public int Id { get; set; } = 5; public string Describe() => $\"{Id}\"; }", optimize: false);
        var old = p.New("S.Dto");
        Edit(p, "public string Describe() => $\"{Id}\";", "public string Note { get; set; } = \"n\"; public string Describe() => $\"{Id}:{Note}\";", optimize: false)
            .Warnings.Should().ContainSingle(w => w.Id == "HOTIL2009" && w.MemberName == "Note");
        p.CallOn(old, "Describe").Should().Be("5:n", "code compiled after the edit reads the property");
        System.Text.Json.JsonSerializer.Serialize(old, old.GetType()).Should().Be("{\"Id\":5}", "reflection over the loaded type lists no Note until a restart");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E47_an_added_constructor_and_an_overload_chaining_to_it_are_called(bool optimize)
    {
        var p = Live("public class P { public int X; public P() { } public static int Make() => new P().X; } public struct V { public int A; public V(int a) { A = a; } public static int Make() => new V(1).A; }", optimize);
        Edit(p, "public P() { } public static int Make() => new P().X;",
            "private readonly string _tag = \"t\"; public P() { } public P(int x) { X = x * 10; } public P(int x, int y) : this(x) { X += y + _tag.Length; } public static int Make() => new P(4, 2).X;", optimize);
        Edit(p, "public static int Make() => new V(1).A;", "public V(int a, int b) : this(a) { A += b * 100; } public static int Make() => new V(1, 2).A;", optimize);
        p.Call("S.P", "Make").Should().Be(43, "the new object ran the added constructor, its chained one and the field initializer");
        p.Call("S.V", "Make").Should().Be(201);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E48_a_positional_record_gains_a_member(bool optimize)
    {
        var p = Live("public record Pt(int X, int Y); public static class M { public static object Make() => new Pt(1, 2); public static string Show(object p) => p.ToString()!; " +
            "public static bool Same() => false; public static string With() => \"\"; public static int Sum() => 0; }", optimize);
        var old = p.Call("S.M", "Make")!;
        var changes = Edit(p, "public record Pt(int X, int Y);", "public record Pt(int X, int Y, int Z);", optimize, andThen: source => source
            .Replace("new Pt(1, 2);", "new Pt(1, 2, 3);")
            .Replace("Same() => false;", "Same() => new Pt(1, 2, 3) == new Pt(1, 2, 3) && new Pt(1, 2, 3) != new Pt(1, 2, 4);")
            .Replace("With() => \"\";", "With() => (new Pt(1, 2, 3) with { Z = 9 }).ToString();")
            .Replace("Sum() => 0;", "Sum() { var (x, y, z) = new Pt(1, 2, 3); return x + y + z; }"));
        changes.RudeEdits.Should().BeEmpty();
        p.Call("S.M", "Show", p.Call("S.M", "Make")).Should().Be("Pt { X = 1, Y = 2, Z = 3 }");
        p.Call("S.M", "Show", old).Should().Be("Pt { X = 1, Y = 2, Z = 0 }", "an object made before the edit never had a Z");
        p.Call("S.M", "Same").Should().Be(true);
        p.Call("S.M", "With").Should().Be("Pt { X = 1, Y = 2, Z = 9 }");
        p.Call("S.M", "Sum").Should().Be(6);
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E49_an_edited_and_an_added_default_interface_method_run_on_existing_objects(bool optimize)
    {
        var p = Live("public interface IGreeter { string Name { get; } string Greet() => \"hi \" + Name; } public class G : IGreeter { public string Name => \"g\"; } " +
            "public static class M { public static object Make() => new G(); public static string Run(object g) => ((IGreeter)g).Greet(); }", optimize);
        var g = p.Call("S.M", "Make")!;
        Edit(p, "string Greet() => \"hi \" + Name;", "string Greet() => \"hello \" + Name + Punctuation(); string Punctuation() => \"!\";", optimize)
            .Added.Should().ContainSingle();
        p.Call("S.M", "Run", g).Should().Be("hello g!");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Fields_added_to_a_generic_class_are_kept_per_instantiation_and_per_object(bool optimize)
    {
        var p = Live("public class Box<T>(T value) { public T Value = value; public string Show() => $\"{Value}\"; } " +
            "public static class M { public static object Make() => new Box<int>(1); public static object MakeText() => new Box<string>(\"s\"); }", optimize);
        var (number, text) = (p.Call("S.M", "Make")!, p.Call("S.M", "MakeText")!);
        Edit(p, "public string Show() => $\"{Value}\";",
            "private int _reads = 10; private T? _last; static int s_boxes = 100; public string Show() { _last = Value; return $\"{Value}:{_reads++}:{s_boxes++}:{_last}\"; }", optimize);
        p.CallOn(number, "Show").Should().Be("1:10:100:1", "the existing object reads the initializer of the instance field, and the instantiation its static field's");
        p.CallOn(number, "Show").Should().Be("1:11:101:1");
        p.CallOn(text, "Show").Should().Be("s:10:100:s", "Box<string> has its own static field and this object its own instance field");
        Edit(p, "return $\"{Value}:{_reads++}:{s_boxes++}:{_last}\";", "return $\"{Value}/{_reads++}/{s_boxes++}/{_last}\";", optimize);
        p.CallOn(number, "Show").Should().Be("1/12/102/1", "a later patch reaches the fields an earlier one added");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E50_an_added_override_of_a_member_declared_outside_the_project_is_rejected_cleanly(bool optimize)
    {
        var p = Live("public class C { public int V = 1; } public static class M { public static string Show(object c) => c.ToString()!; }", optimize);
        var changes = p.Edit(p.Source.Replace("public int V = 1;", "public int V = 1; public override string ToString() => \"c\";"), optimize);
        changes.RudeEdits.Should().ContainSingle(r => r.Id == "HOTIL1008");
        p.Generation.Should().Be(1);
    }

    private static LiveProgram Live(string body, bool optimize) => new("namespace S;\n" + body, optimize);

    private static ChangeSet Edit(LiveProgram program, string oldText, string newText, bool optimize, Func<string, string>? andThen = null)
    {
        var changes = andThen == null ? program.Edit(oldText, newText, optimize) : program.Edit(andThen(program.Source.Replace(oldText, newText)), optimize);
        changes.RudeEdits.Should().BeEmpty();
        return changes;
    }
}
