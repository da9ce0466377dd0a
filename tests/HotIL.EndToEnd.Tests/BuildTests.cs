using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>What HotIL does to the build output, checked on real builds.</summary>
[Collection("builds")]
public class BuildTests
{
    [Fact]
    public void Release_build_with_defaults_is_identical_to_a_build_without_HotIL()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Release");
        var withPackage = File.ReadAllBytes(project.OutputAssembly("Release"));
        var files = Directory.GetFiles(project.OutputDirectory("Release")).Select(Path.GetFileName).ToArray();

        project.Build("Release", "UseHotIL=false", "--no-incremental");
        var without = File.ReadAllBytes(project.OutputAssembly("Release"));

        withPackage.Should().Equal(without, "a default Release build is exactly the compiler's output");
        files.Should().NotContain(f => f!.StartsWith("HotIL", StringComparison.Ordinal) || f.EndsWith(".hotil.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Woven_message_and_manifest_count_generic_methods_with_the_others()
    {
        using var project = ScratchProject.Create("Counter");
        File.WriteAllText(project.PathOf("Generics.cs"), GenericHeavySource);

        var build = project.Build("Debug", "-v:n");

        var manifest = HotIL.Weaver.Manifest.FromJson(File.ReadAllText(Path.Combine(project.OutputDirectory("Debug"), "Counter.hotil.json")));
        foreach (var method in new[] { "Counter.Pair`1::Swap(", "Counter.Pair`1::Map`1(", "Counter.Sequences::Repeat`1(", "Counter.Box`1::Set(" })
            manifest.GenericSlots.Should().Contain(key => key.StartsWith(method, StringComparison.Ordinal));
        manifest.GenericSlots.Count.Should().BeGreaterThan(manifest.Slots.Count, "the input is mostly generic");
        var total = manifest.Slots.Count + manifest.GenericSlots.Count;
        build.Should().MatchRegex($@"message HOTIL0100: wove {total} methods of Counter\.dll in \d+ ms \({manifest.GenericSlots.Count} of them generic; \d+ left as they are\)");
    }

    // Generic types, generic methods, methods of generic types and a generic local function's owner.
    private const string GenericHeavySource = """
        namespace Counter;

        public sealed class Pair<T>(T first, T second)
        {
            public T First { get; private set; } = first;
            public T Second { get; private set; } = second;
            public void Swap() => (First, Second) = (Second, First);
            public Pair<U> Map<U>(Func<T, U> map) => new(map(First), map(Second));
            public override string ToString() => $"({First}, {Second})";
        }

        public static class Sequences
        {
            public static IEnumerable<T> Repeat<T>(T item, int count) => Enumerable.Repeat(item, count);
            public static T Last<T>(IReadOnlyList<T> items) => items[^1];
            public static TOut Fold<TIn, TOut>(IEnumerable<TIn> items, TOut seed, Func<TOut, TIn, TOut> step) => items.Aggregate(seed, step);
            public static Dictionary<TKey, int> Count<TKey>(IEnumerable<TKey> keys) where TKey : notnull =>
                keys.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        }

        public sealed class Box<T> where T : struct
        {
            private T _value;
            public T Get() => _value;
            public void Set(T value) => _value = value;
            public bool Is(T other) => _value.Equals(other);
        }
        """;

    [Fact]
    public void Debug_build_is_woven_runs_and_writes_its_manifest_beside_the_output()
    {
        using var project = ScratchProject.Create("Counter");
        project.Build("Debug");
        var output = project.OutputDirectory("Debug");

        File.Exists(Path.Combine(output, "Counter.hotil.json")).Should().BeTrue();
        var manifest = HotIL.Weaver.Manifest.FromJson(File.ReadAllText(Path.Combine(output, "Counter.hotil.json")));
        manifest.Slots.Should().Contain(s => s.StartsWith("Counter.Rules::Next(System.Int32)", StringComparison.Ordinal));
        manifest.CompilerArguments.Should().Contain(a => a.EndsWith("Rules.cs", StringComparison.Ordinal));
        manifest.ProjectDirectory.Should().Be(project.Directory);
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(project.OutputAssembly("Debug"));
        module.Types.Should().Contain(t => t.Name == HotIL.Weaver.Registry.TypeName);

        using var program = project.Start("Debug");
        TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l)?.Tick == 2, TimeSpan.FromSeconds(30)))!.Value.Should().Be(3);
    }
}
