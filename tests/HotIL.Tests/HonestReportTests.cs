using HotIL.Tests.Support;
using HotIL.Weaver.Patching;

namespace HotIL.Tests;

/// <summary>
/// An edit that cannot reach running code is reported, per member, instead of counted as applied: changed
/// static initializers and attributes, code that runs only at start-up, and fields only a constructor can
/// fill. Warnings that would be wrong (an unchanged initializer next to an edit) do not appear.
/// </summary>
public class HonestReportTests
{
    public static TheoryData<bool> Configurations => new() { false, true };

    [Theory, MemberData(nameof(Configurations))]
    public void E44_a_changed_static_readonly_initializer_is_reported_per_field_as_needing_a_restart(bool optimize)
    {
        var p = Live("public static class Prices { static readonly int Rate = 3; static readonly string Name = \"n\"; public static int Total(int n) => n * Rate; }", optimize);
        var changes = Edit(p, "Rate = 3;", "Rate = 5;", optimize);
        var warning = changes.Warnings.Should().ContainSingle().Which;
        warning.Id.Should().Be("HOTIL2001");
        warning.MemberName.Should().Be("Rate");
        warning.NeedsRestart.Should().BeTrue();
        warning.Message.Should().Contain("S.Prices.Rate").And.Contain("until a restart");
        changes.IsEmpty.Should().BeTrue("nothing else changed: there is no code to apply");
        p.Call("S.Prices", "Total", 2).Should().Be(6, "the field keeps the value it was initialized with");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void Editing_a_method_beside_static_initializers_or_adding_one_warns_about_nothing(bool optimize)
    {
        var p = Live("public static class Store { static readonly System.Func<string> F = () => \"S0\"; static readonly int[] Seeds = [1, 2, 3]; public static string Show() => F() + Seeds.Length; }", optimize);
        Edit(p, "F() + Seeds.Length;", "F() + \"/\" + Seeds.Length;", optimize).Warnings.Should().BeEmpty();
        Edit(p, "public static string Show()", "static int Extra() => 1; public static string Show()", optimize).Warnings.Should().BeEmpty();
        Edit(p, "\"S0\"", "\"S1\"", optimize).Warnings.Should().BeEmpty("the lambda changed, not the initializer that stores it");
        p.Call("S.Store", "Show").Should().Be("S1/3");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void E44_a_changed_attribute_argument_is_reported_as_needing_a_restart(bool optimize)
    {
        var p = Live("public sealed class TagAttribute(string name) : System.Attribute { public string Name => name; } [Tag(\"t1\")] public class Dto { [Tag(\"p1\")] public int P { get; set; } [Tag(\"m1\")] public int M() => 1; }", optimize);
        var changes = Edit(p, "[Tag(\"t1\")]", "[Tag(\"t2\")]", optimize);
        changes.Warnings.Should().ContainSingle(w => w.Id == "HOTIL2007" && w.MemberName == null && w.NeedsRestart);
        Edit(p, "[Tag(\"p1\")]", "[Tag(\"p2\")]", optimize).Warnings.Should().ContainSingle(w => w.Id == "HOTIL2007" && w.MemberName == "P");
        Edit(p, "[Tag(\"m1\")] public int M() => 1;", "[Tag(\"m2\")] public int M() => 2;", optimize).Warnings
            .Should().ContainSingle(w => w.Id == "HOTIL2007" && w.MemberName == "M()");
    }

    [Fact]
    public void Start_up_code_is_the_entry_point_and_what_only_it_calls_outside_its_loops()
    {
        const string source = """
            var app = new App();
            Routes.Map(app);
            for (var i = 0; i < 3; i++) Routes.Tick();
            System.Func<int> later = Routes.Later;
            public class App { }
            public static class Routes
            {
                public static void Map(App app) { Add("/a"); }
                static void Add(string route) { }
                public static void Tick() { Add("/tick"); }
                public static int Later() => 1;
                static Routes() { Init(); }
                static void Init() { }
            }
            """;
        var (image, pdb) = TestCompiler.Compile("Startup", source, kind: Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(new MemoryStream(image), new Mono.Cecil.ReaderParameters
        {
            ReadSymbols = true, SymbolStream = new MemoryStream(pdb), SymbolReaderProvider = new Mono.Cecil.Cil.PortablePdbReaderProvider(),
        });

        var startup = StartupCode.Of(ModuleSnapshot.Of(module)).ToDictionary(p => p.Key.DisplayName, p => p.Value.DisplayName);

        startup.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Program.<Main>$(System.String[])"] = "Program.<Main>$(System.String[])",
            ["Routes.Map(App)"] = "Program.<Main>$(System.String[])",
            ["App..ctor()"] = "Program.<Main>$(System.String[])",
        }, "Add and Tick are also called in a loop, Later is made a delegate of, and a static constructor may still be ahead");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void A_method_that_starts_using_a_primary_constructor_parameter_is_a_rude_edit(bool optimize)
    {
        var p = Live("public class Scaled(int factor) { public int Factor = factor; public int Times(int x) => x * 7; }", optimize);
        var live = p.New("S.Scaled", 101);
        var changes = p.Edit(p.Source.Replace("x * 7", "x * factor"), optimize);
        changes.RudeEdits.Should().ContainSingle(r => r.Id == "HOTIL1014").Which.Message.Should().Contain("primary constructor parameter factor");
        p.Generation.Should().Be(1);
        p.CallOn(live, "Times", 1).Should().Be(7, "nothing was applied, so no object computes with a factor it never stored");
    }

    [Theory, MemberData(nameof(Configurations))]
    public void An_added_field_initialized_from_a_primary_constructor_parameter_is_a_rude_edit(bool optimize)
    {
        var p = Live("public class Box(int size) { public int Size = size; public int Twice() => Size * 2; }", optimize);
        var changes = p.Edit(p.Source.Replace("public int Twice()", "public int Half = size / 2; public int Twice()"), optimize);
        changes.RudeEdits.Should().ContainSingle(r => r.Id == "HOTIL1014" && r.MemberName == "Half");
    }

    private static LiveProgram Live(string body, bool optimize) => new("namespace S;\n" + body, optimize);

    private static ChangeSet Edit(LiveProgram program, string oldText, string newText, bool optimize)
    {
        var changes = program.Edit(oldText, newText, optimize);
        changes.RudeEdits.Should().BeEmpty();
        return changes;
    }
}
