using System.Reflection;
using System.Text;
using CsCheck;
using HotIL.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.Tests;

/// <summary>
/// Any sequence of adds, removes and renames of types and methods behaves, after every step, like a fresh build of
/// the source it reached; coming back to an earlier shape included (E51: rename a type, then rename it back).
/// </summary>
public class EditSequenceTests(ITestOutputHelper output)
{
    private const int Types = 3;
    private const int Methods = 2;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void E51_a_type_renamed_and_renamed_back_works_like_a_fresh_build(bool optimize)
    {
        var p = new LiveProgram(Source(Shape.Of(1, 0, 0, 2, 3, 0, 0, 0, 0)), optimize);
        var original = p.New("S.T0");
        p.Edit(Source(Shape.Of(2, 0, 0, 2, 3, 0, 0, 0, 0)), optimize).RudeEdits.Should().BeEmpty();
        p.Call("S.Probe", "Run").Should().Be("T0Renamed.M=2,T0Renamed.N=3");
        p.Edit(Source(Shape.Of(1, 0, 0, 2, 3, 0, 0, 0, 0)), optimize).RudeEdits.Should().BeEmpty();
        p.Call("S.Probe", "Run").Should().Be("T0.M=2,T0.N=3");
        p.CallOn(original, "M").Should().Be(2, "the loaded type is the type again, not a tombstone");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void E51_random_sequences_of_added_removed_and_renamed_members_behave_like_a_fresh_build_at_every_step(bool optimize)
    {
        var pcg = PCG.Parse(optimize ? "7hQq1hP3yxz1" : "3Jr8hS1mYb0a");
        var shapes = Gen.Int[0, 2].Array[Types].Select(Gen.Int[0, 3].Array[Types * Methods], (names, values) => new Shape(names, values)).Array[3, 5];
        for (var run = 0; run < 12; run++)
        {
            var state = pcg.ToString(pcg.State);
            var sequence = shapes.Generate(pcg, null, out _);
            var steps = sequence.Append(sequence[0]).ToList();
            try
            {
                Check(steps, optimize);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"sequence {string.Join(" → ", steps)} (seed {state}): {e.Message}");
            }
        }
    }

    private void Check(IReadOnlyList<Shape> steps, bool optimize)
    {
        var p = new LiveProgram(Source(steps[0]), optimize);
        var first = LiveMethods(p, steps[0]);
        for (var i = 1; i < steps.Count; i++)
        {
            p.Edit(Source(steps[i]), optimize).RudeEdits.Should().BeEmpty();
            p.Call("S.Probe", "Run").Should().Be(steps[i].Expected, $"step {i} ({steps[i]}) runs like a fresh build");
        }
        // Back where it started: code that still holds the first generation's members reaches them, as in a fresh build.
        foreach (var (method, target, value) in first)
            method.Invoke(target, null).Should().Be(value, $"{method.DeclaringType!.Name}.{method.Name} exists again");
        output.WriteLine(string.Join(" → ", steps));
    }

    private static List<(MethodInfo Method, object Target, int Value)> LiveMethods(LiveProgram p, Shape shape)
    {
        var live = new List<(MethodInfo, object, int)>();
        for (var t = 0; t < Types; t++)
        {
            if (shape.Name(t) is not { } name) continue;
            var target = p.New("S." + name);
            for (var m = 0; m < Methods; m++)
                if (shape.Value(t, m) is { } value) live.Add((target.GetType().GetMethod(MethodName(m))!, target, value));
        }
        return live;
    }

    private static string MethodName(int m) => m == 0 ? "M" : "N";

    private static string Source(Shape shape)
    {
        var text = new StringBuilder("namespace S;\n");
        var probes = new List<string>();
        for (var t = 0; t < Types; t++)
        {
            if (shape.Name(t) is not { } name) continue;
            text.Append("public class ").Append(name).Append(" {");
            for (var m = 0; m < Methods; m++)
            {
                if (shape.Value(t, m) is not { } value) continue;
                text.Append($" public int {MethodName(m)}() => {value};");
                probes.Add($"\"{name}.{MethodName(m)}=\" + new {name}().{MethodName(m)}()");
            }
            text.Append(" }\n");
        }
        text.Append("public static class Probe { public static string Run() => string.Join(\",\", new string[] { ")
            .Append(string.Join(", ", probes)).Append(" }); }\n");
        return text.ToString();
    }

    /// <summary>Which types exist under which name (0 absent, 1 T{i}, 2 T{i}Renamed) and which methods return what (0 absent).</summary>
    private sealed record Shape(int[] Names, int[] Values)
    {
        public static Shape Of(params int[] genome) => new(genome[..Types], genome[Types..]);

        public string? Name(int type) => Names[type] switch { 1 => $"T{type}", 2 => $"T{type}Renamed", _ => null };

        public int? Value(int type, int method) => Name(type) == null || Values[type * Methods + method] == 0 ? null : Values[type * Methods + method];

        public string Expected => string.Join(",", Enumerable.Range(0, Types)
            .SelectMany(t => Enumerable.Range(0, Methods).Where(m => Value(t, m) != null).Select(m => $"{Name(t)}.{MethodName(m)}={Value(t, m)}")));

        public override string ToString() => string.Join(" ", Enumerable.Range(0, Types).Select(t =>
            Name(t) is { } name ? name + "(" + string.Join("", Enumerable.Range(0, Methods).Select(m => Value(t, m)?.ToString() ?? "-")) + ")" : "_"));
    }
}
