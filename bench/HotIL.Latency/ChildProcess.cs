using System.Diagnostics;

namespace HotIL.Latency;

/// <summary>One line a child process wrote, with the moment the harness read it.</summary>
/// <param name="Index">Position among all lines of the process (both streams).</param>
/// <param name="IsError">Whether it came on standard error.</param>
/// <param name="Timestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken as the line was read.</param>
internal sealed record OutputLine(int Index, bool IsError, string Text, long Timestamp);

/// <summary>
/// A program started by the harness. Each stream is read line by line on its own thread and every line
/// is stamped the moment it arrives, so latencies are measured at the pipe, not when the harness gets to
/// look. The whole process tree is killed on dispose (dotnet watch runs the app as its child).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<OutputLine> _lines = [];
    private readonly Thread _stdout;
    private readonly Thread _stderr;
    private int _disposed;

    private ChildProcess(Process process, long started)
    {
        _process = process;
        StartTimestamp = started;
        _stdout = Reader(process.StandardOutput, isError: false);
        _stderr = Reader(process.StandardError, isError: true);
    }

    /// <summary>Taken just before the process was started.</summary>
    public long StartTimestamp { get; }

    public static ChildProcess Start(string fileName, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in Tools.CommonEnvironment.Concat(environment))
        {
            if (value == null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        return new ChildProcess(process, started);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>How many lines have been read so far; pass it to <see cref="WaitFor"/> to look only at later ones.</summary>
    public int Count
    {
        get { lock (_lines) return _lines.Count; }
    }

    /// <summary>The first line at or after <paramref name="from"/> matching <paramref name="match"/>, waiting for it up to <paramref name="timeout"/>; null on timeout or exit.</summary>
    public OutputLine? WaitFor(Func<OutputLine, bool> match, int from, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        lock (_lines)
        {
            var next = from;
            while (true)
            {
                for (; next < _lines.Count; next++)
                    if (match(_lines[next])) return _lines[next];
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero) return null;
                if (_process.HasExited && !_stdout.IsAlive && !_stderr.IsAlive) return null;
                Monitor.Wait(_lines, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>The last lines, for error messages.</summary>
    public string Tail(int count = 25)
    {
        lock (_lines)
            return string.Join(Environment.NewLine, _lines.TakeLast(count).Select(l => (l.IsError ? "err| " : "out| ") + l.Text));
    }

    private Thread Reader(StreamReader reader, bool isError)
    {
        var thread = new Thread(() =>
        {
            while (reader.ReadLine() is { } text)
            {
                var stamp = Stopwatch.GetTimestamp();
                lock (_lines)
                {
                    _lines.Add(new OutputLine(_lines.Count, isError, text, stamp));
                    Monitor.PulseAll(_lines);
                }
            }
            lock (_lines) Monitor.PulseAll(_lines);
        })
        {
            IsBackground = true,
            Name = isError ? "stderr reader" : "stdout reader",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return thread;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
