using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Data;
using System.Dynamic;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace HotIL.RealWorld.Tests.Drivers;

/// <summary>
/// Runs Json.NET over a corpus and records every observable result as text: token streams, LINQ to
/// JSON rewrites and queries, untyped and typed round trips, XML conversion, and the type and message
/// of every exception. Runs inside a <c>Side</c>, bound to that side's Newtonsoft.Json.
/// </summary>
public static class JsonDriver
{
    /// <summary>One line of results per document operation and per typed object.</summary>
    public static string[] Run(string[] documents, int objects, long seed)
    {
        var results = new List<string>(documents.Length * 8 + objects * 10);
        foreach (var document in documents) Document(document, results);
        var rng = new Rng((ulong)seed);
        for (var i = 0; i < objects; i++) Typed(Poco.Order(rng, i), results);
        Extras(rng, results);
        return results.ToArray();
    }

    private static void Document(string json, List<string> results)
    {
        results.Add(Try(() => Tokens(json, DateParseHandling.DateTime, FloatParseHandling.Double)));
        results.Add(Try(() => Tokens(json, DateParseHandling.DateTimeOffset, FloatParseHandling.Decimal)));
        JToken? token = null;
        results.Add(Try(() =>
        {
            token = JToken.Parse(json);
            return token.ToString(Formatting.None) + "\n" + token.ToString(Formatting.Indented);
        }));
        results.Add(Try(() =>
        {
            var settings = new JsonSerializerSettings { DateParseHandling = DateParseHandling.DateTimeOffset, FloatParseHandling = FloatParseHandling.Decimal };
            var value = JsonConvert.DeserializeObject(json, settings);
            return JsonConvert.SerializeObject(value, new JsonSerializerSettings
            {
                Formatting = Formatting.Indented, StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
                DateFormatHandling = DateFormatHandling.MicrosoftDateFormat,
            });
        }));
        if (token == null) return;
        results.Add(Try(() => Query(token)));
        results.Add(Try(() => Rewrite(token)));
        if (token is JObject)
        {
            results.Add(Try(() => JsonConvert.DeserializeXNode(json, "root", writeArrayAttribute: true)?.ToString() ?? "null"));
            results.Add(Try(() =>
            {
                var dictionary = JsonConvert.DeserializeObject<Dictionary<string, object?>>(json)!;
                return string.Join("|", dictionary.Select(p => p.Key + "=" + (p.Value?.GetType().Name ?? "null") + ":" + Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
            }));
            results.Add(Try(() =>
            {
                dynamic expando = JsonConvert.DeserializeObject<ExpandoObject>(json)!;
                return JsonConvert.SerializeObject(expando, Formatting.None);
            }));
        }
    }

    private static string Tokens(string json, DateParseHandling dates, FloatParseHandling floats)
    {
        var text = new StringBuilder();
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = dates, FloatParseHandling = floats, SupportMultipleContent = false };
        while (reader.Read())
        {
            text.Append(reader.TokenType).Append(':').Append(reader.ValueType?.Name).Append(':')
                .Append(Format(reader.Value)).Append('@').Append(reader.Path).Append(' ')
                .Append(reader.LineNumber).Append(',').Append(reader.LinePosition).Append(';');
        }
        return text.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture) + d.Kind,
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Query(JToken token)
    {
        var text = new StringBuilder();
        var all = token.SelectTokens("$..*").ToList();
        text.Append(all.Count).Append(';');
        foreach (var t in all.Take(50)) text.Append(t.Path).Append('=').Append(t.Type).Append(';');
        text.Append(string.Join(",", token.SelectTokens("$..[?(@ > 10)]").Select(t => t.ToString(Formatting.None))));
        text.Append(string.Join(",", token.SelectTokens("$.*[0]").Select(t => t.Path)));
        text.Append(string.Join(",", token.SelectTokens("$..*").OfType<JValue>().Select(v => v.Type + ":" + Format(v.Value)).Take(100)));
        return text.ToString();
    }

    private static string Rewrite(JToken token)
    {
        var clone = token.DeepClone();
        var equal = JToken.DeepEquals(clone, token);
        if (clone is JObject o)
        {
            o["added"] = new JArray(1, "two", 3.5, JValue.CreateNull(), new JObject { ["nested"] = DateTime.UnixEpoch });
            if (o.Properties().FirstOrDefault() is { } first) first.Remove();
            o.Merge(token, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Union, MergeNullValueHandling = MergeNullValueHandling.Merge });
            foreach (var p in o.Properties().ToList()) if (p.Value.Type == JTokenType.Integer) p.Value = (long)p.Value * 2 % 1000;
            var sorted = new JObject(o.Properties().OrderBy(p => p.Name, StringComparer.Ordinal));
            return equal + sorted.ToString(Formatting.None) + JToken.DeepEquals(sorted, token);
        }
        if (clone is JArray a)
        {
            a.Add(new JValue(Guid.Empty));
            a.Insert(0, JValue.CreateNull());
            return equal + a.ToString(Formatting.None) + a.Count + a.First?.Type;
        }
        return equal + clone.ToString(Formatting.None, new StringEnumConverter());
    }

    private static readonly JsonSerializerSettings[] TypedSettings =
    [
        new(),
        new() { ContractResolver = new CamelCasePropertyNamesContractResolver(), Formatting = Formatting.Indented },
        new() { TypeNameHandling = TypeNameHandling.Auto, NullValueHandling = NullValueHandling.Ignore, DefaultValueHandling = DefaultValueHandling.Ignore },
        new()
        {
            DateFormatHandling = DateFormatHandling.MicrosoftDateFormat, DateTimeZoneHandling = DateTimeZoneHandling.Utc,
            Converters = [new StringEnumConverter(new CamelCaseNamingStrategy()), new PointConverter()],
        },
        new() { PreserveReferencesHandling = PreserveReferencesHandling.Objects, ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() } },
        new() { DateFormatString = "yyyy'-'MM'-'dd HH':'mm", FloatFormatHandling = FloatFormatHandling.Symbol, StringEscapeHandling = StringEscapeHandling.EscapeHtml },
    ];

    private static void Typed(Poco.OrderRecord order, List<string> results)
    {
        foreach (var settings in TypedSettings)
        {
            results.Add(Try(() =>
            {
                var json = JsonConvert.SerializeObject(order, settings);
                var back = JsonConvert.DeserializeObject<Poco.OrderRecord>(json, settings)!;
                var again = JsonConvert.SerializeObject(back, settings);
                return json + "\n" + (json == again) + "\n" + back.Summary();
            }));
        }
        results.Add(Try(() => JToken.FromObject(order).ToString(Formatting.None)));
        results.Add(Try(() =>
        {
            var target = new Poco.OrderRecord();
            JsonConvert.PopulateObject(JsonConvert.SerializeObject(order), target);
            return target.Summary();
        }));
        results.Add(Try(() =>
        {
            var serializer = JsonSerializer.Create(new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.Objects, SerializationBinder = new Poco.ShapeBinder() });
            var writer = new StringWriter(CultureInfo.InvariantCulture);
            serializer.Serialize(writer, order.Shapes, typeof(Poco.IShape[]));
            var back = (Poco.IShape[])serializer.Deserialize(new StringReader(writer.ToString()), typeof(Poco.IShape[]))!;
            return writer + string.Join(",", back.Select(s => s.Area().ToString("R", CultureInfo.InvariantCulture)));
        }));
    }

    private static void Extras(Rng rng, List<string> results)
    {
        results.Add(Try(() =>
        {
            var table = new DataTable("orders");
            table.Columns.Add("id", typeof(int));
            table.Columns.Add("name", typeof(string));
            table.Columns.Add("when", typeof(DateTime));
            for (var i = 0; i < 20; i++) table.Rows.Add(i, "row " + rng.Next(100), new DateTime(2020, 1, 1).AddHours(rng.Next(10000)));
            var json = JsonConvert.SerializeObject(table, Formatting.Indented);
            var back = JsonConvert.DeserializeObject<DataTable>(json)!;
            return json + back.Rows.Count + back.Columns[2].DataType;
        }));
        results.Add(Try(() =>
        {
            var anonymous = new { Name = "x", Values = new[] { 1, 2, 3 }, Nested = new { When = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(-3)) } };
            var collections = new object[]
            {
                new SortedDictionary<int, string> { [3] = "c", [1] = "a" }, new HashSet<string>(StringComparer.Ordinal) { "one" },
                new ReadOnlyCollection<double>([double.NaN, double.PositiveInfinity, -0.0]), new Stack<int>([1, 2, 3]),
                new Queue<char>(['a', '\u0000', '\uFFFF']), System.Collections.Immutable.ImmutableArray.Create(1m, 2.50m),
                new KeyValuePair<string, TimeSpan>("span", TimeSpan.FromMilliseconds(123456789)), (1, "tuple", 2.5),
                new Uri("https://example.invalid/a?b=c#d"), new Version(1, 2, 3, 4), new byte[] { 0, 1, 254, 255 },
                System.Numerics.BigInteger.Parse("123456789012345678901234567890", CultureInfo.InvariantCulture), anonymous,
            };
            return string.Join("\n", collections.Select(c => JsonConvert.SerializeObject(c, new JsonSerializerSettings { FloatFormatHandling = FloatFormatHandling.String })));
        }));
        results.Add(Try(() =>
        {
            var schemaLike = new JsonSerializer().ContractResolver.ResolveContract(typeof(Poco.OrderRecord)) as JsonObjectContract;
            return string.Join(",", schemaLike!.Properties.Select(p => $"{p.PropertyName}:{p.PropertyType?.Name}:{p.Order}:{p.Ignored}:{p.Required}:{p.DefaultValueHandling}"));
        }));
        results.Add(Try(() =>
        {
            var writer = new StringWriter(CultureInfo.InvariantCulture);
            using (var json = new JsonTextWriter(writer) { Formatting = Formatting.Indented, Indentation = 3, IndentChar = '\t', QuoteChar = '\'', QuoteName = false })
            {
                json.WriteStartObject();
                json.WritePropertyName("raw");
                json.WriteRawValue("[1 ,2]");
                json.WritePropertyName("comment");
                json.WriteComment("c");
                json.WriteValue(1.0f);
                json.WritePropertyName("chars");
                json.WriteValue("'\"<>&\u007f");
                json.WriteEndObject();
            }
            return writer.ToString();
        }));
    }

    private static string Try(Func<string> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            return "!" + e.GetType().FullName + ": " + e.Message;
        }
    }

    private sealed class PointConverter : JsonConverter<Poco.Point>
    {
        public override void WriteJson(JsonWriter writer, Poco.Point value, JsonSerializer serializer) =>
            writer.WriteValue(string.Create(CultureInfo.InvariantCulture, $"{value.X};{value.Y}"));

        public override Poco.Point ReadJson(JsonReader reader, Type objectType, Poco.Point existingValue, bool hasExistingValue, JsonSerializer serializer)
        {
            var parts = ((string)reader.Value!).Split(';');
            return new Poco.Point(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>Typed objects with Json.NET attributes, callbacks, constructors, polymorphism and value types.</summary>
public static class Poco
{
    public enum Status { Pending, Shipped, [EnumMember(Value = "called-off")] Cancelled }

    [Flags]
    public enum Options { None = 0, Gift = 1, Express = 2, Fragile = 4 }

    public interface IShape { double Area(); }

    public sealed class Circle : IShape
    {
        public double Radius { get; set; }
        public double Area() => Math.PI * Radius * Radius;
    }

    public sealed class Rectangle : IShape
    {
        [JsonProperty("w")] public double Width { get; set; }
        [JsonProperty("h")] public double Height { get; set; }
        public double Area() => Width * Height;
    }

    public readonly record struct Point(int X, int Y);

    public sealed record Line(string Sku, int Quantity, decimal Price)
    {
        [JsonIgnore] public decimal Total => Quantity * Price;
    }

    public sealed class Customer
    {
        [JsonConstructor]
        public Customer(string name, int age)
        {
            Name = name;
            Age = age;
        }

        public string Name { get; }
        public int Age { get; }
        public List<string> Emails { get; } = [];
        [JsonExtensionData] public IDictionary<string, JToken> Extra { get; set; } = new Dictionary<string, JToken>();
    }

    [JsonObject(ItemNullValueHandling = NullValueHandling.Include)]
    public sealed class OrderRecord
    {
        [JsonProperty("id", Order = 1)] public Guid Id { get; set; }
        [JsonProperty(Order = 2)] public DateTime Placed { get; set; }
        public DateTimeOffset? Shipped { get; set; }
        [JsonConverter(typeof(StringEnumConverter))] public Status Status { get; set; }
        public Options Flags { get; set; }
        public decimal Total { get; set; }
        public double Ratio { get; set; }
        public float Weight { get; set; }
        public long Big { get; set; }
        public ulong Unsigned { get; set; }
        public char Initial { get; set; }
        public TimeSpan Elapsed { get; set; }
        public byte[]? Blob { get; set; }
        public Uri? Link { get; set; }
        public Point Where { get; set; }
        public Point? MaybeWhere { get; set; }
        public List<Line> Lines { get; set; } = [];
        public Dictionary<string, int> Tags { get; set; } = [];
        public Dictionary<Status, List<DateTime>> History { get; set; } = [];
        public Customer? Customer { get; set; }
        public IShape[] Shapes { get; set; } = [];
        public object? Anything { get; set; }
        [JsonIgnore] public string Secret { get; set; } = "hidden";
        [JsonProperty(NullValueHandling = NullValueHandling.Ignore)] public string? Note { get; set; }
        [DefaultValue(5)][JsonProperty(DefaultValueHandling = DefaultValueHandling.Populate)] public int Priority { get; set; }
        [JsonProperty(Required = Required.AllowNull)] public string? Mandatory { get; set; }
        [JsonIgnore] public int Callbacks { get; private set; }

        [OnDeserialized]
        internal void Deserialized(StreamingContext context) => Callbacks++;

        public bool ShouldSerializeTags() => Tags.Count > 0;

        public string Summary() => string.Join("|",
            Id, Placed.ToString("O", CultureInfo.InvariantCulture), Placed.Kind, Shipped?.ToString("O", CultureInfo.InvariantCulture), Status, Flags,
            Total.ToString(CultureInfo.InvariantCulture), Ratio.ToString("R", CultureInfo.InvariantCulture), Weight.ToString("R", CultureInfo.InvariantCulture),
            Big, Unsigned, (int)Initial, Elapsed, Blob == null ? "null" : Convert.ToBase64String(Blob), Link, Where, MaybeWhere,
            string.Join(",", Lines), string.Join(",", Tags), string.Join(",", History.Select(h => h.Key + ":" + h.Value.Count)),
            Customer?.Name, Customer?.Age, string.Join(",", Customer?.Emails ?? []), string.Join(",", Customer?.Extra.Keys ?? []),
            Shapes.Length, string.Join(",", Shapes.Select(s => s.GetType().Name)), Anything?.GetType().Name, Anything, Secret, Note, Priority, Mandatory, Callbacks);
    }

    /// <summary>Maps short type names to shapes, as an application's binder would.</summary>
    public sealed class ShapeBinder : ISerializationBinder
    {
        public Type BindToType(string? assemblyName, string typeName) => typeName switch
        {
            "circle" => typeof(Circle),
            "rect" => typeof(Rectangle),
            _ => typeof(IShape[]),
        };

        public void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
        {
            assemblyName = null;
            typeName = serializedType == typeof(Circle) ? "circle" : serializedType == typeof(Rectangle) ? "rect" : serializedType.Name;
        }
    }

    public static OrderRecord Order(Rng rng, int index)
    {
        var kinds = new[] { DateTimeKind.Utc, DateTimeKind.Unspecified };
        var order = new OrderRecord
        {
            Id = rng.NextGuid(),
            Placed = new DateTime(2000, 1, 1, 0, 0, 0, rng.Pick(kinds)).AddTicks(rng.NextLong() & 0x7_FFFF_FFFF_FFFF),
            Shipped = rng.Chance(0.5) ? null : new DateTimeOffset(2010, 5, 6, 7, 8, 9, TimeSpan.FromMinutes(rng.Next(-12 * 60, 14 * 60))).AddTicks(rng.Next(int.MaxValue)),
            Status = (Status)rng.Next(3),
            Flags = (Options)rng.Next(8),
            Total = new decimal(rng.Next(int.MaxValue), rng.Next(1000), 0, rng.Chance(0.2), (byte)rng.Next(10)),
            Ratio = rng.Pick([rng.NextDouble(), double.NaN, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue, 1e-300 * rng.NextDouble()]),
            Weight = (float)(rng.NextDouble() * 1000),
            Big = rng.NextLong(),
            Unsigned = rng.NextULong(),
            Initial = (char)rng.Next(0x20, 0x3000),
            Elapsed = TimeSpan.FromTicks(rng.NextLong() >> 20),
            Blob = rng.Chance(0.3) ? null : Enumerable.Range(0, rng.Next(40)).Select(_ => (byte)rng.Next(256)).ToArray(),
            Link = rng.Chance(0.5) ? null : new Uri($"https://host{rng.Next(9)}.example.invalid/path/{index}?q=ü&x={rng.Next(99)}"),
            Where = new Point(rng.Next(-500, 500), rng.Next(-500, 500)),
            MaybeWhere = rng.Chance(0.5) ? null : new Point(rng.Next(10), rng.Next(10)),
            Note = rng.Chance(0.5) ? null : "note <b>" + index + "</b> & 'quoted' \"twice\" 日本",
            Priority = rng.Chance(0.5) ? 5 : rng.Next(10),
            Mandatory = rng.Chance(0.3) ? null : "r" + index,
            Anything = rng.Next(5) switch { 0 => null, 1 => rng.Next(100), 2 => "text", 3 => new[] { 1.5, 2.5 }, _ => new Dictionary<string, object> { ["k"] = true } },
        };
        for (var i = rng.Next(5); i > 0; i--) order.Lines.Add(new Line("SKU-" + rng.Next(10000), rng.Next(1, 20), rng.Next(1, 100000) / 100m));
        for (var i = rng.Next(4); i > 0; i--) order.Tags["tag" + rng.Next(50)] = rng.Next(1000);
        for (var i = rng.Next(3); i > 0; i--) order.History[(Status)rng.Next(3)] = [new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(rng.Next(1000))];
        if (rng.Chance(0.8))
        {
            order.Customer = new Customer("Customer " + rng.Pick(["Åsa", "Zoë", "李", "O'Brien", "\"Q\""]), rng.Next(18, 99));
            for (var i = rng.Next(3); i > 0; i--) order.Customer.Emails.Add($"user{rng.Next(1000)}@example.invalid");
            if (rng.Chance(0.3)) order.Customer.Extra["loyalty"] = rng.Next(5);
        }
        order.Shapes = Enumerable.Range(0, rng.Next(4))
            .Select(_ => rng.Chance(0.5) ? (IShape)new Circle { Radius = rng.Next(1, 50) / 4.0 } : new Rectangle { Width = rng.Next(1, 9), Height = rng.Next(1, 9) / 3.0 })
            .ToArray();
        return order;
    }
}
