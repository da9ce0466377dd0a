using HotIL.Compilation;
using Microsoft.CodeAnalysis;
using HotIL.Weaver;
using HotIL.Weaver.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit.Abstractions;

namespace HotIL.Tests;

/// <summary>
/// Body-only edits compile the edited files in full and the files they may depend on as stubs. Whatever
/// the shortcut, the diff must come out exactly as a compile of the whole project would make it.
/// </summary>
public sealed class PartialCompileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-partial-").FullName;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["Usings.cs"] = "global using System; global using System.Collections.Generic; global using System.Threading.Tasks;",
        ["Counter.cs"] = """
            namespace Sample;
            public partial class Counter
            {
                private int _count = Start();
                private static int Start() => 1;
                public int Next() { var f = () => _count + 1; return Local(f()); int Local(int v) => v * 2; }
                public async Task<int> LaterAsync() { await Task.Yield(); return _count; }
                public IEnumerable<int> Upto(int n) { for (var i = 0; i < n; i++) yield return i; }
                public string Describe() => new { Count = _count }.ToString()!;
            }
            """,
        ["Counter.Part.cs"] = """
            namespace Sample;
            public partial class Counter
            {
                public Counter() { _count += 10; }
                public int Twice => _count * 2;
                public int Tracked { get => field; set => field = value + 1; }
            }
            """,
        ["Other.cs"] = """
            namespace Sample;
            public static class Other
            {
                private const int K = 3;
                public static int Use(Counter c) => c.Next() + c.Twice;
                public static int Sum(int[] xs) { var t = 0; foreach (var x in xs) t += x; return t; }
                public static int K3() => K * 3;
                public static Func<int, int> Adder(int n) => x => x + n;
                public static readonly Func<int, int> Scale = v => v * 2;
                [Note("kept")] public static int Noted() => 1;
                public static View? Shown;
                public static Shell? Frame;
            }
            public class Seeded(int seed) { public int Seed() => seed; }
            """,
        // Named by no other file: in scope through `this`, and only through it.
        ["Extensions.cs"] = """
            namespace Sample;
            public static class IntExtensions { public static int Doubled(this int x) => x * 2; }
            """,
        // Named as [Note]: the name in the source lacks the suffix.
        ["NoteAttribute.cs"] = """
            namespace Sample;
            [AttributeUsage(AttributeTargets.Method)] public sealed class NoteAttribute(string text) : Attribute { public string Text => text; }
            """,
        // Shaped like Razor's output: hidden regions, where code is mapped to the .cshtml or .razor only where that
        // has C# (the view's method), and not at all where it has only markup (the component's), so that line
        // information alone cannot tell a stub from code compiled in full.
        ["View.g.cs"] = """
            namespace Sample
            {
                #line hidden
                public sealed class View
                {
                    public string Layout { get; set; } = "";
                    #pragma warning disable 1998
                    public async Task ExecuteAsync()
                    {
            #line (1,3)-(3,1) "View.cshtml"
                        Layout = "_Layout";
            #line default
            #line hidden
                    }
                    #pragma warning restore 1998
                }
                public partial class Shell
                {
                    public void Render(List<string> output) { output.Add("<main>"); }
                }
            }
            """,
        // Needed by nothing: a partial compile leaves it out until an edit names it.
        ["Unrelated.cs"] = """
            namespace Sample;
            public sealed class Unrelated { private readonly int _value; public Unrelated() : this(40) { _value += 2; } private Unrelated(int v) => _value = v; public int Value() => _value; }
            public readonly struct Pair { public readonly int A, B; public Pair(int a, int b) { A = a; B = b; } }
            public struct Fields { public int A; }
            public class Record { public int A; }
            public enum Level { Low, High }
            """,
    };

    public static TheoryData<string, string, string, string> BodyEdits => new()
    {
        { "expression body", "Other.cs", "c.Next() + c.Twice", "c.Next() - c.Twice" },
        { "lambda and local function", "Counter.cs", "int Local(int v) => v * 2;", "int Local(int v) => v * 3 + _count;" },
        { "async method", "Counter.cs", "return _count; }", "return _count + 1; }" },
        { "iterator", "Counter.cs", "yield return i;", "yield return i * i;" },
        { "anonymous type", "Counter.cs", "new { Count = _count }", "new { Count = _count, Twice = Twice }" },
        { "constructor of a partial class", "Counter.Part.cs", "_count += 10;", "_count += 20;" },
        { "constructor of a class in one file", "Unrelated.cs", "_value += 2;", "_value += 3;" },
        { "accessor using field", "Counter.Part.cs", "field = value + 1;", "field = value + 2;" },
        { "member of a type with a primary constructor", "Other.cs", "public int Seed() => seed;", "public int Seed() => seed * 2;" },
        { "closure capturing a parameter", "Other.cs", "x => x + n", "x => x * n" },
        { "lambda in a field initializer", "Other.cs", "v => v * 2", "v => v * 5" },
        { "call of an extension method no file names", "Other.cs", "t += x;", "t += x.Doubled();" },
        { "method with an attribute named without its suffix", "Other.cs", "Noted() => 1;", "Noted() => 2;" },
        { "first use of a type of a file left out until now", "Other.cs", "K3() => K * 3;", "K3() => K * new Unrelated().Value();" },
    };

    public static TheoryData<string, string, string, string, string[]> DeclarationEdits => new()
    {
        { "field initializer", "Counter.cs", "_count = Start();", "_count = Start() + 1;", [] },
        { "constant", "Other.cs", "K = 3;", "K = 4;", [] },
        { "added method", "Other.cs", "public static int K3()", "public static int K4() => 4; public static int K3()", [] },
        { "signature", "Other.cs", "Sum(int[] xs)", "Sum(params int[] xs)", [] },
        { "added property used elsewhere", "Counter.Part.cs", "public int Twice => _count * 2;", "public int Twice => _count * 2; public int Thrice => _count * 3;", [] },
        { "optional parameter added to a member another file calls", "Counter.cs", "public int Next()", "public int Next(int step = 1)", ["Other.cs"] },
        // Types whose methods have no line information, so no document: the rude edit and the added field must still be seen.
        { "field added to a struct with no method of its own", "Unrelated.cs", "public struct Fields { public int A; }", "public struct Fields { public int A; public int B; }", [] },
        { "field added to a class with no method of its own", "Unrelated.cs", "public class Record { public int A; }", "public class Record { public int A; public int B; }", [] },
        { "enum member added", "Unrelated.cs", "Low, High }", "Low, High, Top }", [] },
        { "enum member removed", "Unrelated.cs", "Low, High }", "Low }", [] },
    };

    // A type added whole is reached only by its name; a static class declaring extensions also by their names.
    public static TheoryData<string, string, string, string, string[], string[]> AddedTypes => new()
    {
        {
            "class whose members share names with members other files use", "Unrelated.cs", "public readonly struct Pair",
            "public sealed class Fresh { public int Next() => 1; public int Twice => 2; public override string ToString() => \"f\"; }\npublic readonly struct Pair",
            [], ["Other.cs", "Counter.cs", "Counter.Part.cs"]
        },
        {
            "static class declaring an extension method named as a member other files call", "Unrelated.cs", "public readonly struct Pair",
            "public static class MoreExtensions { public static int Twice(this Counter c) => 2; }\npublic readonly struct Pair",
            ["Other.cs"], []
        },
    };

    [Theory]
    [MemberData(nameof(AddedTypes))]
    public void An_added_type_compiles_in_full_only_the_files_that_can_reach_its_members(string edit, string file, string from, string to, string[] inFull, string[] notInFull)
    {
        var (compiler, baseline) = Start();
        Edit(compiler, file, from, to);

        var partial = compiler.Emit();
        var whole = compiler.Emit(allowPartial: false);

        partial.Errors.Should().BeEmpty(edit);
        partial.CompiledInFull.Should().NotBeNull(edit).And.Contain(Path.Combine(_directory, file));
        foreach (var other in inFull) partial.CompiledInFull.Should().Contain(Path.Combine(_directory, other), edit);
        foreach (var other in notInFull) partial.CompiledInFull.Should().NotContain(Path.Combine(_directory, other), edit);
        var fromPartial = Snapshot(partial, baseline, partial.CompiledInFull);
        var fromWhole = Snapshot(whole);
        ShouldAgree(ModuleDiff.Compare(baseline, fromPartial), ModuleDiff.Compare(baseline, fromWhole), fromPartial, fromWhole);
    }

    [Fact]
    public void An_added_attribute_class_is_also_changed_under_the_name_it_is_applied_by()
    {
        var before = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Sample; public class A { }");
        var after = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Sample; public class A { } public sealed class MarkAttribute : System.Attribute { public int Level { get; } }");

        HotIL.Compilation.DeclarationEdits.ChangedNames(before, after).Should().BeEquivalentTo(["MarkAttribute", "Mark"], "[Mark] binds to MarkAttribute; Level is reached only through the type");
    }

    public static TheoryData<string, string, string, string> WholeProjectEdits => new()
    {
        { "using directive", "Other.cs", "namespace Sample;", "using System.Text;\nnamespace Sample;" },
        { "assembly attribute", "Extensions.cs", "namespace Sample;", "[assembly: System.Reflection.AssemblyMetadata(\"k\", \"v\")]\nnamespace Sample;" },
    };

    [Theory]
    [MemberData(nameof(BodyEdits))]
    public void A_body_edit_compiles_only_its_file_and_finds_the_same_changes_as_a_whole_compile(string edit, string file, string from, string to)
    {
        var (compiler, baseline) = Start();
        Edit(compiler, file, from, to);

        var partial = compiler.Emit();
        var whole = compiler.Emit(allowPartial: false);

        partial.CompiledInFull.Should().BeEquivalentTo([Path.Combine(_directory, file)], edit);
        if (!to.Contains("Unrelated", StringComparison.Ordinal))
            partial.FilesCompiled.Should().BeLessThan(Files.Count, "files the edited one cannot reach are left out");
        var fromPartial = Snapshot(partial, baseline, partial.CompiledInFull);
        var fromWhole = Snapshot(whole);
        output.WriteLine($"{edit}: partial {partial.Elapsed.TotalMilliseconds:0} ms, whole {whole.Elapsed.TotalMilliseconds:0} ms");
        ShouldAgree(ModuleDiff.Compare(baseline, fromPartial), ModuleDiff.Compare(baseline, fromWhole), fromPartial, fromWhole);
        ModuleDiff.Compare(baseline, fromPartial).Changed.Should().NotBeEmpty(edit);
    }

    [Theory]
    [MemberData(nameof(DeclarationEdits))]
    public void A_declaration_edit_compiles_its_file_and_the_files_that_mention_what_changed_and_finds_the_same_changes(string edit, string file, string from, string to, string[] alsoInFull)
    {
        var (compiler, baseline) = Start();
        Edit(compiler, file, from, to);

        var partial = compiler.Emit();
        var whole = compiler.Emit(allowPartial: false);

        partial.Errors.Should().BeEmpty(edit);
        partial.CompiledInFull.Should().NotBeNull(edit).And.Contain(Path.Combine(_directory, file));
        foreach (var other in alsoInFull) partial.CompiledInFull.Should().Contain(Path.Combine(_directory, other), "it mentions a declaration that changed");
        var fromPartial = Snapshot(partial, baseline, partial.CompiledInFull);
        var fromWhole = Snapshot(whole);
        output.WriteLine($"{edit}: {partial.CompiledInFull!.Count} files in full, partial {partial.Elapsed.TotalMilliseconds:0} ms, whole {whole.Elapsed.TotalMilliseconds:0} ms");
        ShouldAgree(ModuleDiff.Compare(baseline, fromPartial), ModuleDiff.Compare(baseline, fromWhole), fromPartial, fromWhole);
    }

    [Theory]
    [MemberData(nameof(WholeProjectEdits))]
    public void An_edit_that_reaches_every_file_compiles_the_whole_project(string edit, string file, string from, string to)
    {
        var (compiler, _) = Start();
        Edit(compiler, file, from, to);

        compiler.Emit().CompiledInFull.Should().BeNull(edit);
    }

    [Fact]
    public void Edits_accumulate_until_accepted_and_a_failed_compile_keeps_them()
    {
        var (compiler, baseline) = Start();
        Edit(compiler, "Other.cs", "c.Next() + c.Twice", "c.Next() - c.Twice");
        compiler.Emit().Succeeded.Should().BeTrue();
        Edit(compiler, "Counter.cs", "yield return i;", "yield return i +;");
        compiler.Emit().Succeeded.Should().BeFalse();
        Edit(compiler, "Counter.cs", "yield return i +;", "yield return i + 1;");

        var result = compiler.Emit();

        result.CompiledInFull.Should().BeEquivalentTo(new[] { "Other.cs", "Counter.cs" }.Select(f => Path.Combine(_directory, f)));
        var changed = ModuleDiff.Compare(baseline, Snapshot(result, baseline, result.CompiledInFull)).Changed;
        changed.Select(k => k.DisplayName).Should().Contain(n => n.Contains("Use")).And.Contain(n => n.Contains("Upto"));

        compiler.Accept();
        Edit(compiler, "Other.cs", "public static int K3() => K * 3;", "public static int K3() => K * 5;");
        compiler.Emit().CompiledInFull.Should().BeEquivalentTo([Path.Combine(_directory, "Other.cs")], "only files edited since the last accepted compile");
    }

    [Fact]
    public void A_stub_keeps_declarations_and_initializers_and_drops_bodies()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Files["Counter.cs"] + Files["Counter.Part.cs"].Replace("namespace Sample;", ""));

        var stub = BodyStubber.Stub(tree).GetRoot().NormalizeWhitespace(eol: "\n").ToFullString();

        stub.Should().Contain("_count = Start();").And.Contain("Next()\n    {\n        throw null;");
        stub.Should().Contain("Upto(int n)\n    {\n        yield break;", "an iterator stays one").And.NotContain("yield return i;");
        stub.Should().Contain("public async Task<int> LaterAsync()\n    {\n        throw null;", "an async method stays async").And.NotContain("await Task.Yield()");
        stub.Should().Contain("get => field;", "accessors using field keep theirs").And.Contain("Twice => throw null");
        stub.Should().Contain("_count += 10;", "constructors of partial types keep theirs: they run the initializers of every part");
    }

    [Fact]
    public void A_stub_of_a_type_in_one_file_drops_constructor_bodies_and_keeps_their_initializers()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Files["Unrelated.cs"]);

        var stub = BodyStubber.Stub(tree).GetRoot().NormalizeWhitespace(eol: "\n").ToFullString();

        stub.Should().Contain("public Unrelated() : this(40)\n    {\n        throw null;").And.NotContain("_value += 2");
        stub.Should().Contain("private Unrelated(int v) => throw null;");
        stub.Should().Contain("public Pair(int a, int b)\n    {\n        throw null;", "a struct constructor need not assign fields it never reaches");
    }

    [Fact]
    public void A_partial_compile_holds_the_edited_file_what_it_names_and_what_is_always_in_scope()
    {
        var (compiler, _) = Start();
        Edit(compiler, "NoteAttribute.cs", "public string Text => text;", "public string Text => text + text;");

        var partial = compiler.Emit();

        partial.CompiledInFull.Should().BeEquivalentTo([Path.Combine(_directory, "NoteAttribute.cs")]);
        // NoteAttribute.cs itself, Usings.cs (global usings) and Extensions.cs (extension methods); not Counter, Other or Unrelated.
        partial.FilesCompiled.Should().Be(3);
    }

    private (ProjectCompiler, ModuleSnapshot) Start()
    {
        foreach (var (name, text) in Files) File.WriteAllText(Path.Combine(_directory, name), text);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n == "netstandard.dll"))
            .Select(p => "/reference:" + p);
        var manifest = new Manifest
        {
            AssemblyName = "Sample", ProjectDirectory = _directory, Slots = [],
            CompilerArguments = ["/target:library", "/out:Sample.dll", "/nullable:enable", "/debug:portable", "/optimize+", "/langversion:preview",
                .. references, .. Files.Keys],
        };
        var compiler = new ProjectCompiler(manifest, message => output.WriteLine(message));
        var first = compiler.Emit();
        first.Succeeded.Should().BeTrue(string.Join(Environment.NewLine, first.Errors));
        first.CompiledInFull.Should().BeNull("nothing was accepted yet");
        compiler.Accept();
        return (compiler, Snapshot(first));
    }

    private void Edit(ProjectCompiler compiler, string file, string from, string to)
    {
        var path = Path.Combine(_directory, file);
        var text = compiler.TextOf(path)!;
        text.Should().Contain(from);
        compiler.Update(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static ModuleSnapshot Snapshot(CompileResult result, ModuleSnapshot? previous = null, IReadOnlySet<string>? compiledInFull = null)
    {
        result.Succeeded.Should().BeTrue(string.Join(Environment.NewLine, result.Errors));
        using var module = ModuleDefinition.ReadModule(new MemoryStream(result.Assembly!), new ReaderParameters
        {
            ReadSymbols = true, SymbolStream = new MemoryStream(result.Pdb!), SymbolReaderProvider = new PortablePdbReaderProvider(),
        });
        return previous == null ? ModuleSnapshot.Of(module) : ModuleSnapshot.OfPartial(module, previous, compiledInFull!);
    }

    private static void ShouldAgree(ChangeSet partial, ChangeSet whole, ModuleSnapshot fromPartial, ModuleSnapshot fromWhole)
    {
        partial.Changed.Should().BeEquivalentTo(whole.Changed);
        partial.Added.Should().BeEquivalentTo(whole.Added);
        partial.Removed.Should().BeEquivalentTo(whole.Removed);
        partial.AddedTypes.Should().BeEquivalentTo(whole.AddedTypes);
        partial.RudeEdits.Should().BeEquivalentTo(whole.RudeEdits);
        partial.AddedFields.Should().BeEquivalentTo(whole.AddedFields);
        partial.Warnings.Should().BeEquivalentTo(whole.Warnings);
        // Same fingerprints: the patch built from the partial compile carries the same bodies.
        foreach (var key in partial.Changed)
            fromPartial.Methods[key].Fingerprint.Should().Be(fromWhole.Methods[key].Fingerprint, key.DisplayName);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
