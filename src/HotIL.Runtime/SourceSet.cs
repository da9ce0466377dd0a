using HotIL.Compilation;

namespace HotIL;

/// <summary>
/// The project's source files on disk versus the texts the compiler holds. Only files inside
/// the project directory recorded at build time are read; a new .cs file there joins the
/// compilation unless it already existed (and was left out of the build) at start-up.
/// </summary>
internal sealed class SourceSet
{
    private readonly string _projectDirectory;
    private readonly HashSet<string> _excludedAtStart;

    /// <param name="projectDirectory">The project directory recorded at build time.</param>
    /// <param name="compiledPaths">The files the build compiled.</param>
    /// <param name="builtAt">When the program was built: a file left out of the build but written since is a new one.</param>
    public SourceSet(string projectDirectory, IEnumerable<string> compiledPaths, DateTime builtAt)
    {
        _projectDirectory = Path.GetFullPath(projectDirectory);
        var compiled = compiledPaths.ToHashSet(StringComparer.Ordinal);
        _excludedAtStart = CandidateFiles().Where(p => !compiled.Contains(p) && File.GetLastWriteTimeUtc(p) <= builtAt).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Files whose text on disk differs from the compiler's: path → new text, or null when deleted.</summary>
    /// <param name="compiler">Holds the texts the last compile saw.</param>
    /// <param name="touched">The only paths that can have changed since (from the file watcher), or null to compare every file.</param>
    public IReadOnlyDictionary<string, string?> Changes(ProjectCompiler compiler, IReadOnlyCollection<string>? touched = null)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        touched = touched?.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray();
        var known = touched?.Where(compiler.Contains) ?? compiler.SourcePaths;
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

    /// <summary>Whether a path is a source the watcher should react to.</summary>
    public bool IsSource(string path) =>
        path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && IsProjectPath(path);

    /// <summary>Whether a path lies in the project directory and outside its build output (bin, obj, hidden folders).</summary>
    public bool IsProjectPath(string path) => IsInside(path) && !IsBuildOutput(path);

    private IEnumerable<string> CandidateFiles() =>
        Directory.EnumerateFiles(_projectDirectory, "*.cs", SearchOption.AllDirectories).Where(p => !IsBuildOutput(p));

    private bool IsInside(string path) => Path.GetFullPath(path).StartsWith(_projectDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private bool IsBuildOutput(string path)
    {
        var relative = Path.GetRelativePath(_projectDirectory, path);
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj" || first.StartsWith('.');
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
