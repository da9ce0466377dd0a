using System.Collections.Concurrent;
using System.Diagnostics;

namespace HotIL.Package.Tests.Support;

/// <summary>A built consumer app running as a real process; its output lines are collected as they come.</summary>
internal sealed class RunningApp : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _stdout = [];
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<string> _seen = [];

    private RunningApp(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) _stdout.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) _stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet</c> with <paramref name="arguments"/> (the app's assembly, then its arguments).</summary>
    public static RunningApp Start(string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string>? environment) =>
        new(Process.Start(Cli.StartInfo(workingDirectory, environment, arguments))!);

    /// <summary>Everything written to standard error so far (where HotIL reports).</summary>
    public string StandardError => string.Join('\n', _stderr);

    /// <summary>Waits for a standard output line matching <paramref name="match"/>; lines before it are consumed.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
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
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_stderr.FirstOrDefault(match) is { } line) return line;
            if (_process.HasExited) break;
            Thread.Sleep(50);
            while (_stdout.TryTake(out var l)) _seen.Add(l);
        }
        throw new TimeoutException($"no matching error line within {timeout.TotalSeconds} s.\n--- stderr ---\n{StandardError}\n--- stdout (tail) ---\n{string.Join('\n', _seen.TakeLast(15))}");
    }

    /// <summary>Waits for the process to end by itself and returns everything it printed.</summary>
    public string WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException($"the app did not exit within {timeout.TotalSeconds} s");
        _process.WaitForExit();
        while (_stdout.TryTake(out var line)) _seen.Add(line);
        return string.Join('\n', _seen) + "\n" + StandardError;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
