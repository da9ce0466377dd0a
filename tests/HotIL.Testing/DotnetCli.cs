namespace HotIL.Testing;

/// <summary>
/// The dotnet CLI (build, run, pack, publish, a built app's <c>dotnet App.dll</c>...) run as a user would, in an
/// environment of its own: <see cref="Default"/> and what a caller adds with <see cref="With"/>.
/// </summary>
public sealed class DotnetCli
{
    /// <summary>How long a command may take before it counts as hung, unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private DotnetCli(IReadOnlyDictionary<string, string?> environment) => Environment = environment;

    /// <summary>
    /// Node reuse off, so every build loads the HotIL task assembly it names rather than one an earlier build left in
    /// a lingering node; no telemetry or banner; and no HOTIL_WATCH from the caller's shell, since whether HotIL
    /// watches is each test's own choice.
    /// </summary>
    public static DotnetCli Default { get; } = new(new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["HOTIL_WATCH"] = null,
    });

    /// <summary>Changes every command makes to the environment it inherits: a value sets the variable, null removes it.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>This CLI with <paramref name="changes"/> made after its own (a value sets the variable, null removes it).</summary>
    public DotnetCli With(IReadOnlyDictionary<string, string?> changes) => new(Merge(Environment, changes));

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> to completion.</summary>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="arguments">The command and its arguments.</param>
    /// <param name="environment">This command's own changes, made after the CLI's.</param>
    /// <param name="timeout">How long it may take; <see cref="DefaultTimeout"/> if not given.</param>
    public CommandResult Run(string workingDirectory, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        ChildProcess.Run("dotnet", workingDirectory, arguments, Merge(Environment, environment), timeout ?? DefaultTimeout);

    /// <summary>Starts <c>dotnet</c> with <paramref name="arguments"/> (a built app's assembly, <c>watch</c>...) and returns at once.</summary>
    /// <param name="workingDirectory">Where it starts.</param>
    /// <param name="arguments">The assembly or command, then its arguments.</param>
    /// <param name="environment">This process's own changes, made after the CLI's.</param>
    public ChildProcess Start(string workingDirectory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        ChildProcess.Start("dotnet", workingDirectory, arguments, Merge(Environment, environment));

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> first, IReadOnlyDictionary<string, string?>? then)
    {
        var merged = new Dictionary<string, string?>(first, StringComparer.Ordinal);
        foreach (var (name, value) in then ?? new Dictionary<string, string?>()) merged[name] = value;
        return merged;
    }
}
