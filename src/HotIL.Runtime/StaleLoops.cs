using System.ComponentModel;
using HotIL.Reporting;

namespace HotIL;

/// <summary>
/// Called by the loops of unoptimized woven code when a reload has replaced the method they run: the loop keeps
/// the code it started with, which the reload's report cannot know, so it is said here, once per reload of that
/// method, naming the method and the thread. Not for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StaleLoops
{
    /// <summary>Reports that the calling thread's loop runs replaced code, unless this slot value was reported already.</summary>
    /// <param name="current">The method's slot now.</param>
    /// <param name="seen">The slot value last reported for the method.</param>
    /// <param name="method">The method, as the user names it.</param>
    public static void Report(nint current, ref nint seen, string method)
    {
        var reported = Volatile.Read(ref seen);
        if (reported == current || Interlocked.CompareExchange(ref seen, current, reported) != reported) return;
        var thread = Thread.CurrentThread;
        var who = thread.Name is { Length: > 0 } name ? $"thread {thread.ManagedThreadId} ('{name}')" : $"thread {thread.ManagedThreadId}";
        HotReload.Write(RuntimeMessages.StaleLoop,
            $"{method} is running a loop on {who} that keeps the code it started with: a reload replaced {method}, and the loop runs the new code only " +
            "when the method is called again (for the program's main loop or a worker started once, after a restart)");
    }
}
