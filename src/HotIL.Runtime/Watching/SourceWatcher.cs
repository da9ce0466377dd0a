namespace HotIL.Watching;

/// <summary>
/// Watches a project directory and calls back once a burst of saves has settled, with the paths of the compile's inputs
/// the burst touched (sources, and the additional and analyzer config files the build read: see <see cref="SourceSet"/>).
/// Editors save through temporary files and renames, so every kind of change counts, and the debounce lets the final
/// state of a burst be the one compiled.
/// </summary>
internal sealed class SourceWatcher : IDisposable
{
    // Editors write a save in one go (in place, or a temporary file renamed over it): its events arrive within a
    // millisecond or so. The wait only has to outlast that; every millisecond more is added to each reload.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(15);
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly Func<string, bool> _isSource;
    private readonly Func<string, bool> _isProjectPath;
    private readonly object _gate = new();
    private HashSet<string> _touched = new(StringComparer.Ordinal);
    private bool _lostTrack;

    /// <param name="directory">The project directory.</param>
    /// <param name="isSource">Whether a path is an input the program is built from (or could be): a source, an additional file, an analyzer config file.</param>
    /// <param name="isProjectPath">Whether a path lies in the project and outside its build output.</param>
    /// <param name="onChange">Called with the paths touched since the last call, or null when the watcher lost track
    /// (its buffer overflowed, or a directory was renamed) and every file must be compared.</param>
    public SourceWatcher(string directory, Func<string, bool> isSource, Func<string, bool> isProjectPath, Action<IReadOnlyCollection<string>?> onChange)
    {
        _isSource = isSource;
        _isProjectPath = isProjectPath;
        _timer = new Timer(_ => onChange(TakeTouched()));
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, e) => Touch(e.FullPath);
        _watcher.Created += (_, e) => Touch(e.FullPath);
        _watcher.Deleted += (_, e) => Touch(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Touch(e.OldFullPath);
            Touch(e.FullPath);
            // A renamed folder moves its sources without an event of their own (builds rename folders in obj/: not those).
            if (!_isSource(e.FullPath) && _isProjectPath(e.FullPath) && Directory.Exists(e.FullPath)) LoseTrack();
        };
        _watcher.Error += (_, _) => LoseTrack();
        _watcher.EnableRaisingEvents = true;
    }

    private void Touch(string path)
    {
        if (!_isSource(path)) return;
        lock (_gate) _touched.Add(path);
        _timer.Change(Settle, Timeout.InfiniteTimeSpan);
    }

    private void LoseTrack()
    {
        lock (_gate) _lostTrack = true;
        _timer.Change(Settle, Timeout.InfiniteTimeSpan);
    }

    private IReadOnlyCollection<string>? TakeTouched()
    {
        lock (_gate)
        {
            var touched = _lostTrack ? null : _touched;
            _touched = new HashSet<string>(StringComparer.Ordinal);
            _lostTrack = false;
            return touched;
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }
}
