using System.Globalization;
using System.Text.RegularExpressions;

namespace HotIL.Latency;

/// <summary>Text edits the harness makes, and the tokens that make each edit's output recognisable.</summary>
internal static class Edits
{
    /// <summary>The marker of edit <paramref name="number"/> (0 is the program as built): never a substring of another one.</summary>
    public static string Token(int number) => $"m{number.ToString("0000", CultureInfo.InvariantCulture)}x";

    /// <summary>The number <paramref name="token"/> was made from by <see cref="Token"/>.</summary>
    public static int Number(string token) => int.Parse(token.AsSpan(1, token.Length - 2), CultureInfo.InvariantCulture);

    /// <summary>Replaces the text between the first <paramref name="before"/> and the next <paramref name="after"/>.</summary>
    public static string ReplaceOnce(string text, string before, string after, string value)
    {
        var start = text.IndexOf(before, StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"'{before}' not found in the edited file");
        start += before.Length;
        var end = text.IndexOf(after, start, StringComparison.Ordinal);
        if (end < 0) throw new InvalidOperationException($"'{after}' not found after '{before}' in the edited file");
        return string.Concat(text.AsSpan(0, start), value, text.AsSpan(end));
    }

    /// <summary>Writes the edit the way an editor saves: truncating in place, or through a temporary file renamed over the original.</summary>
    public static void Write(string path, string text, WriteMode mode)
    {
        if (mode == WriteMode.InPlace)
        {
            File.WriteAllText(path, text);
            return;
        }
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".latency-tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>
/// One kind of edit the harness makes to a program: which file it writes and where the marker goes.
/// Each kind is measured in its own run of the program, so each has a first edit after start-up.
/// </summary>
/// <param name="Id">What <c>--edit</c> calls it.</param>
/// <param name="Name">What the report calls it.</param>
/// <param name="File">The edited file, relative to the project directory.</param>
/// <param name="WithToken">The file's text with the marker of this kind of edit replaced.</param>
internal sealed record EditKind(string Id, string Name, string File, Func<string, string, string> WithToken)
{
    public const string BodyId = "body";

    public const string LambdaId = "lambda";

    public const string HandlerId = "handler";

    public const string BodyName = "method body";

    public const string AddMethodId = "add-method";

    public const string AddPropertyId = "add-property";

    public const string AddTypeId = "add-type";

    public const string RestartId = "restart";

    public static IReadOnlyList<string> Ids { get; } = [BodyId, LambdaId, HandlerId, AddMethodId, AddPropertyId, AddTypeId, RestartId];

    /// <summary>Whether this edit cannot apply in place, so the tool is told to restart the program instead (HOTIL_RESTART, DOTNET_WATCH_RESTART_ON_RUDE_EDIT).</summary>
    public bool Restarts => Id == RestartId;

    public bool IsBody => Id == BodyId;

    /// <summary>A change inside a method the program calls.</summary>
    public static EditKind Body(string file, Func<string, string, string> withToken) => new(BodyId, BodyName, file, withToken);

    /// <summary>A change inside a lambda stored in a <c>static readonly</c> field, whose delegate the program took once at start-up.</summary>
    public static EditKind Lambda(string file, Func<string, string, string> withToken) => new(LambdaId, "lambda in a static readonly field", file, withToken);

    /// <summary>A change inside a lambda the program's entry point subscribed to an event once, at start-up.</summary>
    public static EditKind Handler(string file, Func<string, string, string> withToken) => new(HandlerId, "handler lambda subscribed in Main", file, withToken);

    /// <summary>A static method added to a class, called by the method the program polls (one more with each edit).</summary>
    public static EditKind AddMethod(string file, Func<string, string, string> withToken) => new(AddMethodId, "method added", file, withToken);

    /// <summary>A static property added to a class, read by the method the program polls.</summary>
    public static EditKind AddProperty(string file, Func<string, string, string> withToken) => new(AddPropertyId, "property added", file, withToken);

    /// <summary>A field added to a struct: the program is rebuilt and restarted (no state kept), by both tools.</summary>
    public static EditKind Restart(string file, Func<string, string, string> withToken) => new(RestartId, "struct field added (restart)", file, withToken);

    /// <summary>A nested class added, instantiated by the method the program polls.</summary>
    public static EditKind AddType(string file, Func<string, string, string> withToken) => new(AddTypeId, "class added", file, withToken);
}

/// <summary>
/// A program ready to measure: two copies of the same sources, one built with HotIL (Debug, woven, watching)
/// and one without (<c>HotILEnabled=false</c>, for dotnet watch and the start-up baseline).
/// </summary>
internal sealed class PreparedTarget
{
    public required TargetSpec Spec { get; init; }

    public required string HotILDirectory { get; init; }

    public required string PlainDirectory { get; init; }

    public required string AssemblyName { get; init; }

    /// <summary>The edits this program offers, the method-body edit first (the sample has no kept lambda to edit).</summary>
    public required IReadOnlyList<EditKind> EditKinds { get; init; }

    /// <summary>The method-body edit: the one traced with <c>--trace</c> and replayed by the stages measurement.</summary>
    public EditKind BodyEdit => EditKinds.Single(k => k.IsBody);

    public required int Files { get; init; }

    public required int Lines { get; init; }

    /// <summary>What the program's own poll interval is (the sample's tick sleep, or the probe's poll).</summary>
    public required string PollDescription { get; init; }

    /// <summary>Arguments for the program itself.</summary>
    public required IReadOnlyList<string> ProgramArguments { get; init; }

    public required IReadOnlyDictionary<string, string?> ProgramEnvironment { get; init; }

    public string Name => Spec.Name;

    public string OutputAssembly(string projectDirectory) => Path.Combine(projectDirectory, "bin", "Debug", "net10.0", AssemblyName + ".dll");

    /// <summary>Writes both copies of <paramref name="spec"/> under <paramref name="root"/>.</summary>
    public static PreparedTarget Create(TargetSpec spec, string root, Settings settings)
    {
        var hotil = Path.Combine(root, spec.Name, "hotil");
        var plain = Path.Combine(root, spec.Name, "plain");
        var environment = new Dictionary<string, string?>
        {
            ["HOTIL_LATENCY_POLL_MS"] = settings.PollMilliseconds.ToString(CultureInfo.InvariantCulture),
            ["HOTIL_LATENCY_PARENT"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.IsSample) return CreateSample(spec, hotil, plain, settings, environment);

        var files = 0;
        var lines = 0;
        foreach (var (directory, withHotIL) in new[] { (hotil, true), (plain, false) })
        {
            (files, lines) = ProgramGenerator.Write(directory, spec.Lines, Edits.Token(0));
            WriteProject(Path.Combine(directory, "App.csproj"), "App", "Gen", withHotIL, settings);
        }
        return new PreparedTarget
        {
            Spec = spec,
            HotILDirectory = hotil,
            PlainDirectory = plain,
            AssemblyName = "App",
            EditKinds =
            [
                EditKind.Body(ProgramGenerator.EditFile, ProgramGenerator.WithToken),
                EditKind.Lambda(ProgramGenerator.EditFile, ProgramGenerator.WithLambdaToken),
                EditKind.Handler(ProgramGenerator.ProgramFile, ProgramGenerator.WithHandlerToken),
                EditKind.AddMethod(ProgramGenerator.EditFile, ProgramGenerator.WithAddedMethod),
                EditKind.AddProperty(ProgramGenerator.EditFile, ProgramGenerator.WithAddedProperty),
                EditKind.AddType(ProgramGenerator.EditFile, ProgramGenerator.WithAddedType),
                EditKind.Restart(ProgramGenerator.EditFile, ProgramGenerator.WithStructField),
            ],
            Files = files,
            Lines = lines,
            PollDescription = $"{settings.PollMilliseconds} ms",
            ProgramArguments = [],
            ProgramEnvironment = environment,
        };
    }

    // The repository's sample, copied: its rule name becomes the marker, its plain-mode tick sleep becomes
    // the poll interval, and (if it silences HotIL's output) HotIL's lines are let through so the harness sees them.
    private static PreparedTarget CreateSample(TargetSpec spec, string hotil, string plain, Settings settings, Dictionary<string, string?> environment)
    {
        var source = Path.Combine(settings.HotILRoot, "sample", "HotIL.Sample");
        var poll = "the sample's own tick interval";
        var files = 0;
        var lines = 0;
        foreach (var (directory, withHotIL) in new[] { (hotil, true), (plain, false) })
        {
            Directory.CreateDirectory(directory);
            files = 0;
            lines = 0;
            foreach (var file in Directory.EnumerateFiles(source, "*.cs"))
            {
                var text = File.ReadAllText(file);
                var name = Path.GetFileName(file);
                if (name == "Program.cs")
                {
                    text = text.Replace("HotIL.HotReload.Output = null;", "// (the latency harness keeps HotIL's output on)", StringComparison.Ordinal);
                    var sleep = new Regex(@"Thread\.Sleep\(interactive \? (\d+) : (\d+)\)");
                    var match = sleep.Match(text);
                    if (match.Success)
                    {
                        text = sleep.Replace(text, $"Thread.Sleep(interactive ? $1 : {settings.PollMilliseconds})", 1);
                        poll = $"{settings.PollMilliseconds} ms + one world step (the sample sleeps {match.Groups[2].Value} ms)";
                    }
                }
                if (name == "Rules.cs") text = SampleWithToken(text, Edits.Token(0));
                File.WriteAllText(Path.Combine(directory, name), text);
                files++;
                lines += text.Count(c => c == '\n');
            }
            WriteProject(Path.Combine(directory, "HotIL.Sample.csproj"), "HotIL.Sample", "HotIL.Sample", withHotIL, settings);
        }
        // Enough ticks for the whole run; the sample stops by itself afterwards should the harness die.
        var ticks = (long)TimeSpan.FromMinutes(30).TotalMilliseconds / Math.Max(1, settings.PollMilliseconds);
        return new PreparedTarget
        {
            Spec = spec,
            HotILDirectory = hotil,
            PlainDirectory = plain,
            AssemblyName = "HotIL.Sample",
            EditKinds = [EditKind.Body("Rules.cs", SampleWithToken)],
            Files = files,
            Lines = lines,
            PollDescription = poll,
            ProgramArguments = ["--ticks", ticks.ToString(CultureInfo.InvariantCulture)],
            ProgramEnvironment = environment,
        };
    }

    private static string SampleWithToken(string text, string token) =>
        Edits.ReplaceOnce(text, "public static string Name => \"", "\";", "Life " + token);

    private static void WriteProject(string path, string assemblyName, string rootNamespace, bool withHotIL, Settings settings)
    {
        // The runtime is a project reference in a clone; the package ships it built in Release, so by
        // default the harness measures that (SetConfiguration), not the Debug build the app would pick.
        File.WriteAllText(path, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AssemblyName>{assemblyName}</AssemblyName>
                <RootNamespace>{rootNamespace}</RootNamespace>
                <HotILRepoRoot>{settings.HotILRoot}</HotILRepoRoot>
                <HotILEnabled>{(withHotIL ? "true" : "false")}</HotILEnabled>
              </PropertyGroup>
              <Import Project="$(HotILRepoRoot)eng/HotIL.InRepo.targets" />
              <ItemGroup Condition="'$(HotILEnabled)' == 'true'">
                <ProjectReference Update="$(HotILRuntimeProject)" SetConfiguration="Configuration={settings.RuntimeConfiguration}" />
              </ItemGroup>
            </Project>
            """);
    }
}
