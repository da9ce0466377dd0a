using System.Globalization;
using System.Text;

namespace HotIL.RealWorld.Tests.Drivers;

/// <summary>
/// Generates compilable C# that exercises much of the language (generics and generic math, records,
/// async streams, iterators, closures, patterns, LINQ queries, unsafe code, spans, operators, interfaces
/// with static abstract and default members, primary constructors, collection expressions...), varied by a
/// seed, so a compiler has a sizeable and varied job.
/// </summary>
public static class CSharpCorpus
{
    /// <summary><paramref name="files"/> source files (path, text), about 400 lines each.</summary>
    public static (string Path, string Text)[] Generate(int files, ulong seed)
    {
        var rng = new Rng(seed);
        var result = new (string, string)[files];
        for (var f = 0; f < files; f++)
        {
            var text = new StringBuilder();
            text.Append("""
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using System.Numerics;
                using System.Runtime.CompilerServices;
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                """);
            text.Append(CultureInfo.InvariantCulture, $"namespace Generated.File{f};\n\n");
            var blocks = rng.Next(8, 14);
            for (var b = 0; b < blocks; b++)
            {
                var template = Templates[rng.Next(Templates.Length)];
                text.Append(template($"{template.Method.Name}{f}_{b}", rng)).Append('\n');
            }
            result[f] = ($"/generated/File{f}.cs", text.ToString());
        }
        return result;
    }

    private static readonly Func<string, Rng, string>[] Templates =
    [
        Container, Records, Async, GenericMath, Closures, Text, Flow, Collections, PrimaryConstructor, Operators, Refs, Queries,
    ];

    private static string N(Rng rng, int max = 1000) => rng.Next(1, max).ToString(CultureInfo.InvariantCulture);

    private static string Container(string name, Rng rng) => $$"""
        public sealed class {{name}}<T> : IEnumerable<T> where T : IComparable<T>
        {
            private readonly List<T> _items = new();
            public T this[int index] { get => _items[index]; set => _items[index] = value; }
            public int Count => _items.Count;
            public void Add(T item) { var i = _items.BinarySearch(item); _items.Insert(i < 0 ? ~i : i, item); }
            public IEnumerable<T> Between(T low, T high) { foreach (var x in _items) { if (x.CompareTo(low) < 0) continue; if (x.CompareTo(high) > 0) yield break; yield return x; } }
            public TResult Fold<TResult>(TResult seed, Func<TResult, T, TResult> f) => _items.Aggregate(seed, f);
            public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            public static {{name}}<int> Sample() { var c = new {{name}}<int>(); for (var i = 0; i < {{N(rng, 50)}}; i++) c.Add((i * {{N(rng)}}) % {{N(rng, 97)}}); return c; }
            public static int Checksum() => Sample().Between({{N(rng, 10)}}, {{N(rng, 90)}}).Select((x, i) => x * (i + 1)).Sum() + Sample().Fold(0L, (a, x) => a + x).GetHashCode();
        }

        """;

    private static string Records(string name, Rng rng) => $$"""
        public abstract record {{name}}Shape(string Label)
        {
            public abstract double Area { get; }
            public virtual string Describe() => $"{Label}: {Area:F3}";
        }
        public sealed record {{name}}Circle(double Radius) : {{name}}Shape("circle") { public override double Area => Math.PI * Radius * Radius; }
        public sealed record {{name}}Rect(double W, double H) : {{name}}Shape("rect") { public override double Area => W * H; public bool IsSquare => W == H; }
        public readonly record struct {{name}}Point(int X, int Y) { public {{name}}Point Move(int dx) => this with { X = X + dx }; }
        public static class {{name}}
        {
            public static string Classify({{name}}Shape shape) => shape switch
            {
                {{name}}Circle { Radius: > {{N(rng, 10)}} } c => "big circle " + c.Radius,
                {{name}}Circle c => "circle " + c.Radius,
                {{name}}Rect { IsSquare: true } r => "square " + r.W,
                {{name}}Rect(var w, var h) when w > h => "wide",
                _ => shape.Describe(),
            };
            public static int Run()
            {
                var shapes = new {{name}}Shape[] { new {{name}}Circle({{N(rng, 20)}}), new {{name}}Rect(2, 2), new {{name}}Rect({{N(rng, 9)}}, 1) };
                var (x, y) = new {{name}}Point({{N(rng)}}, 2).Move(3);
                return shapes.Sum(s => Classify(s).Length) + x + y + (shapes[1] == new {{name}}Rect(2, 2) ? 1 : 0);
            }
        }

        """;

    private static string Async(string name, Rng rng) => $$"""
        public static class {{name}}
        {
            public static async IAsyncEnumerable<int> Produce(int count, [EnumeratorCancellation] CancellationToken token = default)
            {
                for (var i = 0; i < count; i++) { await Task.Yield(); token.ThrowIfCancellationRequested(); yield return i * {{N(rng, 9)}}; }
            }
            public static async ValueTask<long> Consume(int count)
            {
                long total = 0;
                await foreach (var x in Produce(count).ConfigureAwait(false)) total += x;
                return total;
            }
            public static async Task<string> Guarded(string input)
            {
                try { await Task.Delay(0); return int.Parse(input).ToString(); }
                catch (FormatException e) when (e.Message.Length > {{N(rng, 5)}}) { return "bad"; }
                finally { await Task.CompletedTask; }
            }
            public static async Task<int> Fan() { var tasks = Enumerable.Range(0, {{N(rng, 8)}}).Select(async i => { await Task.Yield(); return i; }); return (await Task.WhenAll(tasks)).Sum(); }
        }

        """;

    private static string GenericMath(string name, Rng rng) => $$"""
        public interface I{{name}}<TSelf> where TSelf : I{{name}}<TSelf>
        {
            static abstract TSelf Zero { get; }
            static abstract TSelf operator +(TSelf a, TSelf b);
            string Show() => "value";
        }
        public readonly struct {{name}}Money(decimal amount) : I{{name}}<{{name}}Money>
        {
            public decimal Amount { get; } = amount;
            public static {{name}}Money Zero => new(0);
            public static {{name}}Money operator +({{name}}Money a, {{name}}Money b) => new(a.Amount + b.Amount);
        }
        public static class {{name}}
        {
            public static T Sum<T>(IEnumerable<T> xs) where T : I{{name}}<T> { var s = T.Zero; foreach (var x in xs) s += x; return s; }
            public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : INumber<T> { var s = T.Zero; for (var i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
            public static T Clamp<T>(T x) where T : INumber<T> => T.Clamp(x, T.CreateChecked({{N(rng, 10)}}), T.CreateChecked({{N(rng, 100) + "0"}}));
            public static decimal Run() => Sum(new[] { new {{name}}Money(1.5m), new {{name}}Money({{N(rng)}}m) }).Amount + Dot<int>([1, 2, 3], [4, 5, 6]) + (decimal)Clamp(7.5) + Clamp<long>(-3);
        }

        """;

    private static string Closures(string name, Rng rng) => $$"""
        public class {{name}}
        {
            public event EventHandler<int>? Changed;
            private int _value;
            public int Value { get => _value; set { if (_value == value) return; _value = value; Changed?.Invoke(this, value); } }
            public static int Run()
            {
                var counters = new List<Func<int>>();
                for (var i = 0; i < {{N(rng, 10)}}; i++) { var copy = i; counters.Add(() => copy * {{N(rng, 7)}}); }
                var seen = 0;
                var o = new {{name}}();
                o.Changed += (_, v) => seen += v;
                o.Value = {{N(rng)}};
                Func<int, int> square = x => x * x;
                Func<int, int> compose = x => square(Twice(x));
                return counters.Sum(c => c()) + seen + compose(3) + Local(4);
                static int Twice(int x) => x * 2;
                int Local(int y) => y + seen;
            }
        }

        """;

    private static string Text(string name, Rng rng) => $$""""
        public static unsafe class {{name}}
        {
            public static string Run(int n)
            {
                var sb = new StringBuilder();
                for (var i = 0; i < n % {{N(rng, 20)}}; i++) sb.Append($"{i,4}|{i:X2}|{i * 1.5:F2}|{(i % 2 == 0 ? "even" : "odd")}\n");
                var raw = """
                    {"name": "{{name}}", "value": {{N(rng)}}}
                    """;
                ReadOnlySpan<byte> utf8 = "héllo wörld"u8;
                Span<int> buffer = stackalloc int[{{N(rng, 32)}}];
                for (var i = 0; i < buffer.Length; i++) buffer[i] = i * i;
                int sum = 0;
                fixed (int* p = buffer) { for (var i = 0; i < buffer.Length; i++) sum += p[i]; }
                return sb.ToString() + raw.Length + utf8.Length + sum + string.Join(",", "a,b,,c".Split(',', StringSplitOptions.RemoveEmptyEntries)) + nameof({{name}});
            }
        }

        """";

    private static string Flow(string name, Rng rng) => $$"""
        [Flags] public enum {{name}}Mode { None = 0, Read = 1, Write = 2, Both = Read | Write, Admin = {{1 << rng.Next(2, 8)}} }
        public static class {{name}}
        {
            public static (int Sum, string Label) Run(int x)
            {
                var label = "";
                switch (x % 4)
                {
                    case 0: label = "zero"; goto case 1;
                    case 1: label += "one"; break;
                    case 2 or 3 when x > {{N(rng, 50)}}: label = "big"; break;
                    default: label = "other"; break;
                }
                int sum;
                try { sum = checked(x * {{N(rng, 100000)}}); } catch (OverflowException) { sum = -1; }
                var mode = ({{name}}Mode)(x & 7);
                if (mode.HasFlag({{name}}Mode.Write)) label += mode.ToString();
                do { sum ^= x; x >>= 1; } while (x > 0);
                return (sum, label);
            }
        }

        """;

    private static string Collections(string name, Rng rng) => $$"""
        public static class {{name}}
        {
            public static string Run()
            {
                int[] a = [1, 2, 3, {{N(rng)}}];
                List<int> b = [.. a, .. a[1..^1], 7];
                var d = new Dictionary<string, List<int>> { ["x"] = [1], ["y"] = [] };
                d.TryAdd("z", [.. b]);
                var result = b switch
                {
                    [] => "empty",
                    [var first, .., var last] when first < last => $"{first}..{last}",
                    [_, _, ..] => "many",
                    _ => "one",
                };
                Span<int> span = a.AsSpan(1);
                span.Reverse();
                var set = new SortedSet<int>(b) { {{N(rng)}} };
                return result + string.Join(",", a) + set.Min + set.Max + d.Sum(p => p.Value.Count) + a[^1] + b.Chunk(2).Count();
            }
        }

        """;

    private static string PrimaryConstructor(string name, Rng rng) => $$"""
        public class {{name}}(string name, int size = {{N(rng, 10)}})
        {
            public required string Kind { get; init; }
            public string? Nick { get; set; }
            public string Name { get; } = name.Trim();
            public int Size => size;
            private List<string>? _log;
            public void Log(string line) { _log ??= []; _log.Add(line); }
            public int Logged => _log?.Count ?? 0;
            public override string ToString() => $"{Name}/{Kind}/{Nick ?? "-"}/{size}/{Logged}";
            public static string Run() { var x = new {{name}}(" n{{N(rng)}} ") { Kind = "k" }; x.Log("a"); x.Nick ??= "nick"; return x.ToString(); }
        }

        """;

    private static string Operators(string name, Rng rng) => $$"""
        public readonly struct {{name}} : IEquatable<{{name}}>, IComparable<{{name}}>
        {
            private readonly long _cents;
            public {{name}}(long cents) => _cents = cents;
            public static {{name}} operator +({{name}} a, {{name}} b) => new(a._cents + b._cents);
            public static {{name}} operator -({{name}} a) => new(-a._cents);
            public static {{name}} operator *({{name}} a, int k) => new(a._cents * k);
            public static bool operator ==({{name}} a, {{name}} b) => a.Equals(b);
            public static bool operator !=({{name}} a, {{name}} b) => !a.Equals(b);
            public static implicit operator {{name}}(int whole) => new(whole * 100L);
            public static explicit operator decimal({{name}} m) => m._cents / 100m;
            public bool Equals({{name}} other) => _cents == other._cents;
            public override bool Equals(object? obj) => obj is {{name}} other && Equals(other);
            public override int GetHashCode() => HashCode.Combine(_cents, {{N(rng)}});
            public int CompareTo({{name}} other) => _cents.CompareTo(other._cents);
            public override string ToString() => ((decimal)this).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            public static string Run() { {{name}} a = {{N(rng)}}; var b = -a * 3 + 7; return a + " " + b + " " + (a == b) + " " + new[] { a, b }.Max(); }
        }

        """;

    private static string Refs(string name, Rng rng) => $$"""
        public static class {{name}}
        {
            public static ref int Largest(Span<int> values) { ref var best = ref values[0]; for (var i = 1; i < values.Length; i++) if (values[i] > best) best = ref values[i]; return ref best; }
            public static int Sum(params ReadOnlySpan<int> values) { var s = 0; foreach (ref readonly var v in values) s += v; return s; }
            public static void Swap<T>(ref T a, ref T b) => (a, b) = (b, a);
            public static int Measure(in {{name}}Data data, scoped ReadOnlySpan<char> text) => data.Length + text.Length;
            public static int Run()
            {
                Span<int> values = [{{N(rng)}}, {{N(rng)}}, {{N(rng)}}];
                Largest(values) = 0;
                int a = 1, b = 2;
                Swap(ref a, ref b);
                return Sum(values) + Sum(1, 2, 3) + a * 10 + b + Measure(new {{name}}Data(4), "abc");
            }
        }
        public readonly record struct {{name}}Data(int Length);
        public static class {{name}}Extensions
        {
            public static string Repeat(this string s, int n) => string.Concat(Enumerable.Repeat(s, n));
            public static IEnumerable<(T Item, int Index)> Indexed<T>(this IEnumerable<T> source) { var i = 0; foreach (var x in source) yield return (x, i++); }
        }

        """;

    private static string Queries(string name, Rng rng) => $$"""
        public static class {{name}}
        {
            private sealed record Person(string Name, int Age, int City);
            private sealed record City(int Id, string Name);
            public static string Run()
            {
                var people = Enumerable.Range(0, {{N(rng, 60)}}).Select(i => new Person("p" + i, 18 + i * {{N(rng, 7)}} % 60, i % 5)).ToList();
                var cities = Enumerable.Range(0, 5).Select(i => new City(i, "c" + i)).ToList();
                var query =
                    from p in people
                    join c in cities on p.City equals c.Id
                    let decade = p.Age / 10
                    where decade >= {{rng.Next(1, 4)}}
                    group p by new { c.Name, decade } into g
                    orderby g.Key.Name, g.Key.decade descending
                    select $"{g.Key.Name}:{g.Key.decade}:{g.Count()}:{g.Average(p => p.Age):F1}";
                return string.Join(";", query) + people.ToLookup(p => p.City).Count + people.MaxBy(p => p.Age)?.Name;
            }
        }

        """;
}
