using System.Text.Json;
using System.Text.Json.Serialization;

namespace HotIL.Weaver;

/// <summary>
/// Written beside a woven assembly (<c>&lt;Assembly&gt;.hotil.json</c>): the key of every slot, by index,
/// and the exact compiler command line the build used, so the runtime recompiles the project
/// as the build did.
/// </summary>
internal sealed class Manifest
{
    /// <summary>Current format version; a runtime refuses manifests it does not understand.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Format version of this file.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Simple name of the woven assembly.</summary>
    public required string AssemblyName { get; init; }

    /// <summary>The project directory: the only place the watcher reads sources from.</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>Whether the build asked for the file watcher to start by itself.</summary>
    public bool Watch { get; init; }

    /// <summary>The compiler's command-line arguments as CoreCompile passed them (<c>@(CscCommandLineArgs)</c>).</summary>
    public required IReadOnlyList<string> CompilerArguments { get; init; }

    /// <summary>Slot keys; the position is the slot index in the registry.</summary>
    public required IReadOnlyList<string> Slots { get; init; }

    /// <summary>
    /// Keys of the generic methods (and methods of generic types) woven with a holder, by holder index
    /// (the N of <c>&lt;HotIL&gt;GenericN`arity</c>). For tools and checks: the runtime finds holders by reflection. Optional,
    /// so manifests written before it existed still read (as empty), and older runtimes ignore it.
    /// </summary>
    public IReadOnlyList<string> GenericSlots { get; init; } = [];

    /// <summary>The project file, for rebuilding it when the program restarts itself; null in older manifests.</summary>
    public string? ProjectPath { get; init; }

    /// <summary>Arguments of <c>dotnet build</c> that rebuild the project as the build did.</summary>
    public IReadOnlyList<string> BuildArguments { get; init; } = [];

    /// <summary>Whether an edit that cannot be applied in place rebuilds the project and restarts the program (<c>HotILRestart</c>).</summary>
    public bool RestartOnRudeEdit { get; init; }

    /// <summary>Serializes to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a manifest; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static Manifest FromJson(string json)
    {
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a HotIL manifest: {e.Message}", e);
        }
        if (manifest == null) throw new InvalidDataException("not a HotIL manifest: empty document");
        if (manifest.FormatVersion != CurrentFormatVersion)
            throw new InvalidDataException($"manifest format {manifest.FormatVersion} is not supported (expected {CurrentFormatVersion})");
        return manifest;
    }
}
