using HotIL.Compilation;

namespace HotIL.Watching;

/// <summary>
/// The project's inputs on disk versus the texts the compiler holds: the source files, and the other files the build's
/// compile read (additional files such as Razor pages and components or a generator's .json input, and .editorconfig or
/// .globalconfig files). Only files inside the project directory recorded at build time are read; a new .cs file there
/// joins the compilation unless it already existed (and was left out of the build) at start-up. A new additional file
/// does not: only the build knows the options it gives it.
/// </summary>
internal sealed class SourceSet
{
    private readonly string _projectDirectory;
    private readonly HashSet<string> _excludedAtStart;
    private readonly HashSet<string> _otherInputs;

    /// <param name="projectDirectory">The project directory recorded at build time.</param>
    /// <param name="compiledPaths">The files the build compiled.</param>
    /// <param name="builtAt">When the program was built: a file left out of the build but written since is a new one.</param>
    /// <param name="otherInputs">The additional files and analyzer config files the build's compile read.</param>
    public SourceSet(string projectDirectory, IEnumerable<string> compiledPaths, DateTime builtAt, IEnumerable<string>? otherInputs = null)
    {
        _projectDirectory = Path.GetFullPath(projectDirectory);
        var compiled = compiledPaths.ToHashSet(StringComparer.Ordinal);
        _excludedAtStart = CandidateFiles().Where(p => !compiled.Contains(p) && File.GetLastWriteTimeUtc(p) <= builtAt).ToHashSet(StringComparer.Ordinal);
        _otherInputs = (otherInputs ?? []).Where(p => !compiled.Contains(p)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Files whose text on disk differs from the compiler's: path → new text, or null when deleted.</summary>
    /// <param name="compiler">Holds the texts the last compile saw.</param>
    /// <param name="touched">The only paths that can have changed since (from the file watcher), or null to compare every file.</param>
    public IReadOnlyDictionary<string, string?> Changes(ProjectCompiler compiler, IReadOnlyCollection<string>? touched = null)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        touched = touched?.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray();
        var known = touched?.Where(compiler.Contains) ?? compiler.InputPaths;
        foreach (var path in known)
        {
            if (!IsInside(path) || !TryRead(path, out var text)) continue;
            if (text != compiler.TextOf(path)) changes[path] = text;
        }
        var candidates = touched?.Where(p => IsSource(p) && File.Exists(p)) ?? CandidateFiles();
        foreach (var path in candidates)
            if (!_excludedAtStart.Contains(path) && !compiler.Contains(path) && TryRead(path, out var text) && text != null)
                changes[path] = text;
        return changes;
    }

    /// <summary>Whether a path is an input the watcher should react to: a .cs file, or another file the build's compile read.</summary>
    public bool IsSource(string path) =>
        (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || _otherInputs.Contains(path)) && IsProjectPath(path);

    /// <summary>Whether a path lies in the project directory and outside its build output (bin, obj, hidden folders).</summary>
    public bool IsProjectPath(string path) => IsInside(path) && !IsBuildOutput(path);

    private IEnumerable<string> CandidateFiles() =>
        Directory.EnumerateFiles(_projectDirectory, "*.cs", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p));

    private bool IsInside(string path) => Path.GetFullPath(path).StartsWith(_projectDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // Hidden folders (.git, .vs) hold no inputs; a hidden file (.editorconfig) may be one.
    private bool IsBuildOutput(string path)
    {
        var parts = Path.GetRelativePath(_projectDirectory, path).Split(Path.DirectorySeparatorChar);
        return parts[0] is "bin" or "obj" || (parts.Length > 1 && parts[0].StartsWith('.'));
    }

    // A file can vanish or be mid-write while an editor saves it; the next event brings the final text.
    private static bool TryRead(string path, out string? text)
    {
        try
        {
            text = File.Exists(path) ? ProjectCompiler.ReadSource(path) : null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text = null;
            return false;
        }
    }
}
