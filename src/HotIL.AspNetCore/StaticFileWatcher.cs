using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using HotIL.Watching;

namespace HotIL.AspNetCore;

/// <summary>
/// Watches the app's web roots (wwwroot) and calls back once a burst of saves has settled, with the URL paths
/// (<c>css/site.css</c>) of the files it touched. Stylesheets are not code: no reload, only pages need telling.
/// </summary>
internal sealed class StaticFileWatcher : IDisposable
{
    // As for sources (SourceWatcher): a save's events arrive within a few milliseconds; the wait only has to outlast them.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _timer;
    private readonly object _gate = new();
    private HashSet<string> _touched = new(StringComparer.Ordinal);

    public StaticFileWatcher(IReadOnlyList<string> roots, Action<IReadOnlyCollection<string>> onChange)
    {
        _timer = new Timer(_ => onChange(Take()));
        foreach (var root in roots)
        {
            var watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += (_, e) => Touch(root, e.FullPath);
            watcher.Created += (_, e) => Touch(root, e.FullPath);
            watcher.Renamed += (_, e) => Touch(root, e.FullPath);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    /// <summary>
    /// The folders static files are served from: the environment's web root, and the project's own wwwroot (what the
    /// development server maps when the app runs from its output folder), where they exist.
    /// </summary>
    public static IReadOnlyList<string> WebRoots(IWebHostEnvironment environment)
    {
        var roots = new List<string>();
        if (!string.IsNullOrEmpty(environment.WebRootPath)) roots.Add(Path.GetFullPath(environment.WebRootPath));
        if (ProjectDirectory() is { } project) roots.Add(Path.Combine(project, "wwwroot"));
        return roots.Where(Directory.Exists).Distinct(StringComparer.Ordinal).ToArray();
    }

    // The woven program's manifest says where its project is.
    private static string? ProjectDirectory()
    {
        var entry = Assembly.GetEntryAssembly()?.Location;
        var manifest = string.IsNullOrEmpty(entry) ? null : Path.ChangeExtension(entry, ".hotil.json");
        if (manifest == null || !File.Exists(manifest)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(manifest));
            return json.RootElement.TryGetProperty("projectDirectory", out var directory) ? directory.GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private void Touch(string root, string path)
    {
        if (Directory.Exists(path)) return;
        var url = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
        lock (_gate) _touched.Add(url);
        _timer.Change(Settle, Timeout.InfiniteTimeSpan);
    }

    private IReadOnlyCollection<string> Take()
    {
        lock (_gate)
        {
            var touched = _touched;
            _touched = new HashSet<string>(StringComparer.Ordinal);
            return touched;
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _timer.Dispose();
    }
}
