namespace HotIL;

/// <summary>
/// Watches a project directory and calls back once a burst of saves has settled. Editors save
/// through temporary files and renames, so every kind of change counts, and the debounce lets
/// the final state of a burst be the one compiled.
/// </summary>
internal sealed class SourceWatcher : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(40);
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly Func<string, bool> _isSource;

    public SourceWatcher(string directory, Func<string, bool> isSource, Action onChange)
    {
        _isSource = isSource;
        _timer = new Timer(_ => onChange());
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += (s, e) => { OnEvent(s, e); if (_isSource(e.OldFullPath)) Poke(); };
        _watcher.EnableRaisingEvents = true;
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (_isSource(e.FullPath)) Poke();
    }

    private void Poke() => _timer.Change(Settle, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }
}
