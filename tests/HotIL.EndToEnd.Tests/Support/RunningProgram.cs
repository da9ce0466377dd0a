using System.Collections.Concurrent;
using System.Diagnostics;

namespace HotIL.EndToEnd.Tests.Support;

/// <summary>A woven program running as a real process; its output lines are collected as they come.</summary>
internal sealed class RunningProgram : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _stdout = [];
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<string> _seen = [];

    private RunningProgram(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) _stdout.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) _stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static RunningProgram Start(string workingDirectory, string assembly, IReadOnlyDictionary<string, string>? environment = null,
        params string[] arguments)
    {
        var start = Dotnet.StartInfo(workingDirectory, [assembly, .. arguments]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return new(Process.Start(start)!);
    }

    public string StandardError => string.Join('\n', _stderr);

    public string StandardOutputSoFar => string.Join('\n', _seen);

    /// <summary>Waits for an output line matching <paramref name="match"/>; lines before it are consumed.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_stdout.TryTake(out var line, TimeSpan.FromMilliseconds(100)))
            {
                _seen.Add(line);
                if (match(line)) return line;
            }
            else if (_process.HasExited) break;
        }
        throw new TimeoutException($"no matching output line within {timeout.TotalSeconds} s.\n--- stdout (tail) ---\n{string.Join('\n', _seen.TakeLast(15))}\n--- stderr ---\n{StandardError}");
    }

    /// <summary>Waits until standard error has a line matching <paramref name="match"/>.</summary>
    public string WaitForError(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var line = _stderr.FirstOrDefault(match);
            if (line != null) return line;
            if (_process.HasExited) break;
            Thread.Sleep(50);
            while (_stdout.TryTake(out var l)) _seen.Add(l);
        }
        throw new TimeoutException($"no matching error line within {timeout.TotalSeconds} s.\n--- stderr ---\n{StandardError}\n--- stdout (tail) ---\n{string.Join('\n', _seen.TakeLast(15))}");
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
