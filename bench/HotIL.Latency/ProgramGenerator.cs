using System.Globalization;

namespace HotIL.Latency;

/// <summary>
/// Writes a console program of about the requested number of C# lines: many modules (an enum, a record,
/// an interface and a service class of a dozen ordinary methods: LINQ, an iterator, an async method,
/// pattern matching, string building), each referring to the types and methods of two earlier modules.
/// What the harness edits, each printed by the program whenever its value changes (it polls every few
/// milliseconds): a method (<c>Probe.Value()</c>), a lambda kept in a <c>static readonly</c> field
/// (<c>Probe.Describe</c>), both in <c>Hot/Probe.cs</c>, and an event handler lambda subscribed in
/// <c>Program.cs</c> before its loop; and declarations (a method, a property, a nested class) added to
/// <c>Probe</c> for <c>Value()</c> to use.
/// </summary>
internal static class ProgramGenerator
{
    public const string EditFile = "Hot/Probe.cs";

    public const string ProgramFile = "Program.cs";

    private const int ModulesPerArea = 20;

    /// <summary>Writes the sources (not the project file) into <paramref name="directory"/>; returns the files and lines written.</summary>
    public static (int Files, int Lines) Write(string directory, int targetLines, string token)
    {
        var files = new Dictionary<string, string>
        {
            [ProgramFile] = ProgramText(token),
        };
        var budget = targetLines - ProgramText(token).Split('\n').Length - ProbeText(0, token).Split('\n').Length;
        var perModule = Module(1).Split('\n').Length;
        var modules = Math.Max(2, (int)Math.Round(budget / (double)perModule));
        for (var n = 0; n < modules; n++)
            files[$"Domain/Area{Area(n)}/Module{n:0000}.cs"] = Module(n);
        files[EditFile] = ProbeText(modules - 1, token);

        var lines = 0;
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            lines += text.Count(c => c == '\n');
        }
        return (files.Count, lines);
    }

    /// <summary>Replaces the marker the probe's method returns (the only change a method-body edit makes).</summary>
    public static string WithToken(string text, string token) =>
        Edits.ReplaceOnce(text, "var marker = \"", "\";", token);

    /// <summary>Replaces the marker of the lambda kept in <c>Probe.Describe</c> (in <see cref="EditFile"/>).</summary>
    public static string WithLambdaToken(string text, string token) =>
        Edits.ReplaceOnce(text, "var lambdaMarker = \"", "\";", token);

    /// <summary>Replaces the marker of the handler subscribed in <see cref="ProgramFile"/>.</summary>
    public static string WithHandlerToken(string text, string token) =>
        Edits.ReplaceOnce(text, "var handlerMarker = \"", "\";", token);

    // The declaration edits: edit n declares one more member than edit n - 1 (edits 1..n, each new one next to the
    // ones before, as a developer adds to a file), and Value() returns the newest one's token. Nothing is removed,
    // so every edit is exactly one addition plus the body edit that uses it.

    /// <summary>Edit n adds a static method <c>Added_n()</c> to <c>Probe</c>; <c>Value()</c> calls it.</summary>
    public static string WithAddedMethod(string text, string token) =>
        Declare(text, token, t => $"    public static string Added_{t}() => \"{t}\";", t => $"Added_{t}()");

    /// <summary>Edit n adds a static property <c>Property_n</c> to <c>Probe</c>; <c>Value()</c> reads it.</summary>
    public static string WithAddedProperty(string text, string token) =>
        Declare(text, token, t => $"    public static string Property_{t} {{ get; }} = \"{t}\";", t => $"Property_{t}");

    /// <summary>Edit n adds a class <c>Type_n</c> nested in <c>Probe</c>; <c>Value()</c> makes one and asks it.</summary>
    public static string WithAddedType(string text, string token) =>
        Declare(text, token,
            t => $"    public sealed class Type_{t} {{ public string Name {{ get; }} = \"{t}\"; public override string ToString() => Name; }}",
            t => $"new Type_{t}().ToString()");

    /// <summary>
    /// Edit n adds the n-th field to a struct (a change of layout that neither HotIL nor dotnet watch applies in place;
    /// both restart when told to) and changes the polled method's marker and makes it read the new field.
    /// </summary>
    public static string WithStructField(string text, string token)
    {
        var number = Edits.Number(token);
        var fields = string.Concat(Enumerable.Range(1, number).Select(n => $" public int F{n};"));
        // The polled method reads the new field, so the new layout is in use: "m0001x" + 0 + "".
        var used = WithToken(text, $"{token}\" + new Layout().F{number} + \"");
        return Edits.ReplaceOnce(used, "public struct Layout { public int A;", " }", fields);
    }

    private static string Declare(string text, string token, Func<string, string> member, Func<string, string> use)
    {
        var tokens = Enumerable.Range(1, Edits.Number(token)).Select(Edits.Token).ToArray();
        var members = string.Concat(tokens.Select(t => member(t) + "\n"));
        var used = Edits.ReplaceOnce(text, "var marker = ", ";", use(token));
        return Edits.ReplaceOnce(used, "    // declarations added by the harness\n", "    // end of added declarations", members);
    }

    private static string Area(int module) => (module / ModulesPerArea).ToString("00", CultureInfo.InvariantCulture);

    private static string ProgramText(string token) => $$"""
        // Latency probe: every HOTIL_LATENCY_POLL_MS milliseconds (default 5) calls Probe.Value(), the lambda
        // kept in Probe.Describe and, through Probe.Poll, the handler subscribed below, and prints each value
        // whenever it changes. The harness edits one of them and waits for the new value.
        using System.Diagnostics;

        var pollMs = int.TryParse(Environment.GetEnvironmentVariable("HOTIL_LATENCY_POLL_MS"), out var poll) ? poll : 5;
        var parent = int.TryParse(Environment.GetEnvironmentVariable("HOTIL_LATENCY_PARENT"), out var id) ? id : 0;
        // Both delegates are made once, before any edit, and kept: an edit to their bodies must reach these
        // very delegates, as it must reach any handler or callback a program registers at start-up.
        var describe = Gen.Probe.Describe;
        string? handled = null;
        Gen.Probe.Polled += check =>
        {
            var handlerMarker = "{{token}}";
            handled = $"{handlerMarker} check={check}";
        };
        var sinceCheck = Stopwatch.StartNew();
        string? last = null;
        string? lastDescribed = null;
        string? lastHandled = null;
        while (true)
        {
            var value = Gen.Probe.Value();
            if (value != last)
            {
                Console.WriteLine("value=" + value);
                last = value;
            }
            var described = describe(2);
            if (described != lastDescribed)
            {
                Console.WriteLine("lambda=" + described);
                lastDescribed = described;
            }
            Gen.Probe.Poll(2);
            if (handled != lastHandled)
            {
                Console.WriteLine("handler=" + handled);
                lastHandled = handled;
            }
            Thread.Sleep(pollMs);
            if (parent != 0 && sinceCheck.ElapsedMilliseconds > 2000)
            {
                sinceCheck.Restart();
                if (!IsRunning(parent)) return;
            }
        }

        // Ends the program when the harness is gone, so an interrupted run leaves nothing behind.
        static bool IsRunning(int processId)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        """;

    private static string ProbeText(int lastModule, string token) => $$"""
        namespace Gen;

        /// <summary>
        /// What the program prints. The latency harness edits the marker in <see cref="Value"/> (a method body),
        /// in <see cref="Describe"/>'s lambda (made once, when the class is initialized, and kept) or in the
        /// handler Program.cs subscribes to <see cref="Polled"/>.
        /// </summary>
        public static class Probe
        {
            private static readonly Gen.Area{{Area(lastModule)}}.Service{{lastModule:0000}} Service = new(7);

            public static readonly Func<int, string> Describe = rounds =>
            {
                var check = Service.Checksum(rounds);
                var lambdaMarker = "{{token}}";
                return $"{lambdaMarker} check={check}";
            };

            /// <summary>Raised by <see cref="Poll"/>; the program subscribes a handler once, at start-up.</summary>
            public static event Action<int>? Polled;

            public static void Poll(int rounds) => Polled?.Invoke(Service.Checksum(rounds));

            public static string Value()
            {
                var check = Service.Checksum(2);
                var marker = "{{token}}";
                return $"{marker} check={check}";
            }

            // declarations added by the harness
            // end of added declarations
        }

        /// <summary>Gains a field with each edit of the restart kind: a layout change, which no tool applies in place.</summary>
        public struct Layout { public int A; }

        """;

    private static string Module(int n)
    {
        var id = n.ToString("0000", CultureInfo.InvariantCulture);
        var weightFrom = n == 0 ? $"Service{id}" : $"Gen.Area{Area(n - 1)}.Service{n - 1:0000}";
        var importFrom = $"Gen.Area{Area(n / 2)}.Item{n / 2:0000}";
        return $$"""
            using System.Globalization;
            using System.Text;

            namespace Gen.Area{{Area(n)}};

            /// <summary>Lifecycle of an <see cref="Item{{id}}"/>.</summary>
            public enum State{{id}}
            {
                Draft,
                Active,
                Suspended,
                Closed,
            }

            /// <summary>One line of inventory kept by <see cref="Service{{id}}"/>.</summary>
            public sealed record Item{{id}}(int Id, string Name, decimal Price, int Quantity, State{{id}} State)
            {
                public decimal Total => Price * Quantity;

                public bool IsOpen => State is State{{id}}.Draft or State{{id}}.Active;

                public Item{{id}} WithQuantity(int quantity) => this with { Quantity = Math.Max(0, quantity) };
            }

            /// <summary>What callers of <see cref="Service{{id}}"/> rely on.</summary>
            public interface IService{{id}}
            {
                int Score(Item{{id}} item);

                IEnumerable<Item{{id}}> Open();
            }

            /// <summary>Keeps items, scores them and reports on them.</summary>
            public sealed class Service{{id}} : IService{{id}}
            {
                private readonly Dictionary<int, Item{{id}}> _items = [];
                private readonly List<string> _journal = [];
                private int _version;

                public Service{{id}}(int seed)
                {
                    for (var i = 0; i < 4; i++)
                        Add(new Item{{id}}(seed + i, $"item-{seed + i}", 1.25m * (i + 1), i + 2, (State{{id}})(i % 4)));
                }

                public int Count => _items.Count;

                public int Version => _version;

                public void Add(Item{{id}} item)
                {
                    ArgumentNullException.ThrowIfNull(item);
                    if (item.Quantity < 0) throw new ArgumentOutOfRangeException(nameof(item), "negative quantity");
                    _items[item.Id] = item;
                    _journal.Add($"add {item.Id} v{++_version}");
                    if (_journal.Count > 64) _journal.RemoveRange(0, 32);
                }

                public bool TryFind(int id, out Item{{id}}? item) => _items.TryGetValue(id, out item);

                public int Score(Item{{id}} item)
                {
                    var basis = item.State switch
                    {
                        State{{id}}.Draft => 1,
                        State{{id}}.Active => 3,
                        State{{id}}.Suspended => -1,
                        _ => 0,
                    };
                    var weight = {{weightFrom}}.Weight(item.Quantity);
                    return basis * weight + (int)Math.Round(item.Total, MidpointRounding.AwayFromZero) % {{n % 13 + 7}};
                }

                public static int Weight(int quantity)
                {
                    var hash = {{n * 7 + 3}};
                    for (var i = 0; i < quantity % 8; i++)
                        hash = unchecked(hash * 31 + i);
                    return Math.Abs(hash % 97) + 1;
                }

                public IEnumerable<Item{{id}}> Open()
                {
                    foreach (var item in _items.Values)
                        if (item.IsOpen) yield return item;
                }

                public IReadOnlyList<Item{{id}}> TopByTotal(int count) =>
                    _items.Values.OrderByDescending(i => i.Total).ThenBy(i => i.Id).Take(count).ToList();

                public (int Count, decimal Total, int MaxQuantity) Summarize()
                {
                    var (count, total, max) = (0, 0m, 0);
                    foreach (var item in _items.Values)
                    {
                        count++;
                        total += item.Total;
                        max = Math.Max(max, item.Quantity);
                    }
                    return (count, total, max);
                }

                public string Describe()
                {
                    var text = new StringBuilder($"Service{{id}} v{_version}: ");
                    foreach (var item in TopByTotal(3))
                        text.Append(CultureInfo.InvariantCulture, $"{item.Name}={item.Total:0.00} ");
                    return text.ToString().TrimEnd();
                }

                public Item{{id}} Import({{importFrom}} other) =>
                    new(other.Id + {{n}}, other.Name.ToUpperInvariant(), other.Price, other.Quantity, other.IsOpen ? State{{id}}.Active : State{{id}}.Closed);

                public async Task<int> RefreshAsync(CancellationToken cancellationToken)
                {
                    var touched = 0;
                    foreach (var key in _items.Keys.ToArray())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await Task.Yield();
                        _items[key] = _items[key].WithQuantity(_items[key].Quantity + 1);
                        touched++;
                    }
                    return touched;
                }

                public static Item{{id}} Parse(string text)
                {
                    var parts = text.Split(';', StringSplitOptions.TrimEntries);
                    return parts switch
                    {
                        [var key, var name, var price, var quantity] => new(
                            int.Parse(key, CultureInfo.InvariantCulture), name,
                            decimal.Parse(price, CultureInfo.InvariantCulture),
                            int.Parse(quantity, CultureInfo.InvariantCulture), State{{id}}.Draft),
                        _ => throw new FormatException($"not an item: '{text}'"),
                    };
                }

                public int Checksum(int rounds)
                {
                    var sum = 0;
                    for (var round = 0; round < rounds; round++)
                        foreach (var item in _items.Values)
                            sum = unchecked(sum * 17 + Score(item));
                    return sum;
                }
            }

            """;
    }
}
