using System.Diagnostics;
using HotIL.Weaver;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace HotIL.MSBuild;

/// <summary>
/// Weaves the project's freshly compiled assembly and writes its manifest. A thin shell:
/// it turns MSBuild items into a call of <see cref="WovenAssemblyFile"/> and its failures
/// into <c>HOTILnnnn</c> diagnostics.
/// </summary>
public sealed class WeaveAssembly : Task
{
    /// <summary>The compiler's output (<c>@(IntermediateAssembly)</c>).</summary>
    [Required] public string AssemblyPath { get; set; } = "";

    /// <summary>Where to write <c>&lt;Assembly&gt;.hotil.json</c>.</summary>
    [Required] public string ManifestPath { get; set; } = "";

    /// <summary>The project directory (<c>$(MSBuildProjectDirectory)</c>).</summary>
    [Required] public string ProjectDirectory { get; set; } = "";

    /// <summary>The compiler command line CoreCompile used (<c>@(CscCommandLineArgs)</c>).</summary>
    public ITaskItem[] CompilerArguments { get; set; } = [];

    /// <summary>Whether the running program watches its sources by itself.</summary>
    public bool Watch { get; set; }

    /// <summary>The project file (<c>$(MSBuildProjectFullPath)</c>), rebuilt when the program restarts itself.</summary>
    public string ProjectPath { get; set; } = "";

    /// <summary>Arguments of <c>dotnet build</c> that rebuild the project as this build did (configuration, HotIL's properties).</summary>
    public string[] BuildArguments { get; set; } = [];

    /// <summary>Whether an edit that cannot be applied in place rebuilds and restarts the program.</summary>
    public bool RestartOnRudeEdit { get; set; }

    /// <summary>Number of methods that received a slot, generic ones included (for logs and tests).</summary>
    [Output] public int WovenMethodCount { get; private set; }

    /// <summary>How many of the woven methods are generic or members of generic types (one slot per instantiation).</summary>
    [Output] public int GenericMethodCount { get; private set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        if (CompilerArguments.Length == 0)
        {
            Log.LogError(null, DiagnosticIds.NoCompilerArguments, null, AssemblyPath, 0, 0, 0, 0,
                "the build did not provide the compiler command line (@(CscCommandLineArgs)); rebuild the project so HotIL can record it");
            return false;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = WovenAssemblyFile.Weave(AssemblyPath, ManifestPath, ManifestFor, ReferencePaths());
            foreach (var (id, message) in outcome.Warnings)
                Log.LogWarning(null, id, null, AssemblyPath, 0, 0, 0, 0, message);
            GenericMethodCount = outcome.Result.GenericSlots.Count;
            WovenMethodCount = outcome.Result.Slots.Count + GenericMethodCount;
            ReportOutcome(outcome.Result, clock.ElapsedMilliseconds);
            return true;
        }
        catch (WeaveException e)
        {
            Log.LogError(null, e.Id, null, AssemblyPath, 0, 0, 0, 0, e.Message);
            Log.LogMessage(MessageImportance.Low, e.ToString());
            return false;
        }
    }

    private void ReportOutcome(WeaveResult result, long milliseconds)
    {
        var name = Path.GetFileName(AssemblyPath);
        if (result.AlreadyWoven)
        {
            Message(MessageImportance.Normal, DiagnosticIds.AlreadyWoven, $"{name} is already woven");
            return;
        }
        Message(MessageImportance.Normal, DiagnosticIds.Woven,
            $"wove {WovenMethodCount} methods of {name} in {milliseconds} ms ({GenericMethodCount} of them generic; {result.Skipped.Count} left as they are)");
        foreach (var skipped in result.Skipped)
            Message(MessageImportance.Low, DiagnosticIds.MethodNotWoven, $"{skipped.Key.DisplayName} is not woven: {skipped.Reason}");
    }

    private void Message(MessageImportance importance, string id, string text) =>
        Log.LogMessage(null, id, null, AssemblyPath, 0, 0, 0, 0, importance, text);

    // The compiler's /reference:path arguments (an aliased one reads /reference:alias=path).
    private IEnumerable<string> ReferencePaths() =>
        CompilerArguments.Select(a => a.ItemSpec)
            .Where(a => a.StartsWith("/reference:", StringComparison.Ordinal))
            .Select(a => a["/reference:".Length..].Trim('"'))
            .Select(r => r.Contains('=') && !Path.IsPathRooted(r) ? r[(r.IndexOf('=') + 1)..] : r);

    private Manifest ManifestFor(WeaveResult result) => new()
    {
        AssemblyName = Path.GetFileNameWithoutExtension(AssemblyPath),
        ProjectDirectory = Path.GetFullPath(ProjectDirectory),
        Watch = Watch,
        ProjectPath = string.IsNullOrEmpty(ProjectPath) ? null : Path.GetFullPath(ProjectPath),
        BuildArguments = BuildArguments,
        RestartOnRudeEdit = RestartOnRudeEdit,
        CompilerArguments = CompilerArguments.Select(a => a.ItemSpec).ToArray(),
        Slots = result.Slots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
        GenericSlots = result.GenericSlots.OrderBy(s => s.Index).Select(s => s.Key.Value).ToArray(),
    };
}
