using System.Diagnostics;
using System.Text;

namespace HotIL.Testing;

/// <summary>
/// A program started as a child process. Each stream is read line by line on its own thread and every line is stamped
/// the moment it arrives, so a wait sees a line as soon as it is written and latencies are measured at the pipe, not
/// when the caller gets to look. The whole process tree is killed on dispose (<c>dotnet watch</c> and a restarting
/// HotIL program run the app as a child of their own).
/// </summary>
public sealed class ChildProcess : IDisposable
{
    // Past a kill, waiting longer would only hang the caller: the tree is gone or beyond help.
    private static readonly TimeSpan ExitAfterKill = TimeSpan.FromSeconds(10);
    private const int FailureTail = 15;

    private readonly Process _process;
    private readonly List<OutputLine> _lines = [];
    private readonly Thread _stdout;
    private readonly Thread _stderr;
    // Lines before this index have been read past by WaitForLine or WaitForError.
    private int _consumed;
    private int _disposed;

    private ChildProcess(Process process, long started)
    {
        _process = process;
        StartTimestamp = started;
        _stdout = Reader(process.StandardOutput, isError: false);
        _stderr = Reader(process.StandardError, isError: true);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with its three streams redirected (standard input too, so the child never
    /// reads the terminal of whoever runs the tests).
    /// </summary>
    /// <param name="fileName">The program: <c>dotnet</c>, or an executable's path.</param>
    /// <param name="workingDirectory">Where it starts.</param>
    /// <param name="arguments">Its arguments, each passed as one argument.</param>
    /// <param name="environment">Changes to the environment it inherits: a value sets the variable, null removes it.</param>
    public static ChildProcess Start(string fileName, string workingDirectory, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value == null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        return new ChildProcess(process, started);
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> to completion and returns its exit code, its output and how long it took. A
    /// program still running after <paramref name="timeout"/> is killed with its children and a
    /// <see cref="TimeoutException"/> carries what it printed.
    /// </summary>
    /// <param name="fileName">The program.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Changes to the environment it inherits: a value sets the variable, null removes it.</param>
    /// <param name="timeout">How long it may take.</param>
    public static CommandResult Run(string fileName, string workingDirectory, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(fileName, workingDirectory, arguments, environment);
        if (!process.WaitForEnd(timeout))
        {
            process.Dispose();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeout.TotalMinutes:0} minutes:\n{process.Output}");
        }
        return new CommandResult(process.ExitCode, process.Output, clock.Elapsed);
    }

    /// <summary>A <see cref="Stopwatch.GetTimestamp"/> value taken just before the process was started.</summary>
    public long StartTimestamp { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How many lines have been read so far; pass it to <see cref="WaitFor"/> to look only at later ones.</summary>
    public int Count
    {
        get { lock (_lines) return _lines.Count; }
    }

    /// <summary>Everything written to standard error so far, one line per line (where HotIL reports).</summary>
    public string StandardError
    {
        get { lock (_lines) return string.Join('\n', _lines.Where(l => l.IsError).Select(l => l.Text)); }
    }

    /// <summary>The standard output lines that <see cref="WaitForLine"/> and <see cref="WaitForError"/> have read past.</summary>
    public string StandardOutputSoFar
    {
        get { lock (_lines) return string.Join('\n', _lines.Take(_consumed).Where(l => !l.IsError).Select(l => l.Text)); }
    }

    // Both streams in the order they came, each line followed by a line break, as a command's output reads.
    private string Output
    {
        get
        {
            var text = new StringBuilder();
            lock (_lines)
                foreach (var line in _lines) text.AppendLine(line.Text);
            return text.ToString();
        }
    }

    /// <summary>
    /// The first line at or after position <paramref name="from"/> matching <paramref name="match"/>, waiting for it up
    /// to <paramref name="timeout"/>; null when none came by then or the process ended without one.
    /// </summary>
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

    /// <summary>
    /// Waits for a standard output line matching <paramref name="match"/> after those read past already, and reads past
    /// it: the next call sees only later lines. Throws, with the output so far, when none comes within
    /// <paramref name="timeout"/> or the process ends first.
    /// </summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var line = WaitFor(l => !l.IsError && match(l.Text), _consumed, timeout);
        if (line == null)
        {
            _consumed = Count;
            throw new TimeoutException($"no matching output line within {timeout.TotalSeconds} s{Ended()}.\n"
                + $"--- stdout (tail) ---\n{StandardOutputTail()}\n--- stderr ---\n{StandardError}");
        }
        _consumed = line.Index + 1;
        return line.Text;
    }

    /// <summary>
    /// Waits until standard error has a line matching <paramref name="match"/>, looking at every line since the start,
    /// and reads past the standard output that came before it. Throws, with the output so far, when none comes within
    /// <paramref name="timeout"/> or the process ends first.
    /// </summary>
    public string WaitForError(Func<string, bool> match, TimeSpan timeout)
    {
        var line = WaitFor(l => l.IsError && match(l.Text), 0, timeout);
        if (line == null)
        {
            _consumed = Count;
            throw new TimeoutException($"no matching error line within {timeout.TotalSeconds} s{Ended()}.\n"
                + $"--- stderr ---\n{StandardError}\n--- stdout (tail) ---\n{StandardOutputTail()}");
        }
        _consumed = Math.Max(_consumed, line.Index);
        return line.Text;
    }

    /// <summary>
    /// Waits for the process to end by itself and returns everything it printed: standard output, a line break, then
    /// standard error. Throws when it is still running after <paramref name="timeout"/>.
    /// </summary>
    public string WaitForExit(TimeSpan timeout)
    {
        if (!WaitForEnd(timeout)) throw new TimeoutException($"the process did not exit within {timeout.TotalSeconds} s:\n{Tail()}");
        _consumed = Count;
        return StandardOutputSoFar + "\n" + StandardError;
    }

    /// <summary>The last <paramref name="count"/> lines of both streams, marked <c>out|</c> or <c>err|</c>, for error messages.</summary>
    public string Tail(int count = 25)
    {
        lock (_lines)
            return string.Join(Environment.NewLine, _lines.TakeLast(count).Select(l => (l.IsError ? "err| " : "out| ") + l.Text));
    }

    /// <summary>Kills the process and everything it started, if it still runs. Safe to call more than once and from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(ExitAfterKill);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    // The process has ended and both streams are read to their end.
    private bool WaitForEnd(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _stdout.Join();
        _stderr.Join();
        return true;
    }

    private string Ended() => HasExited ? $" (the process ended with exit code {ExitCode})" : "";

    private string StandardOutputTail()
    {
        lock (_lines) return string.Join('\n', _lines.Where(l => !l.IsError).TakeLast(FailureTail).Select(l => l.Text));
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
            // The stamp is the latency harness's measurement: the reader must not wait behind the work it measures.
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return thread;
    }
}
