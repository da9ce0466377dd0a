using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace HotIL.Latency;

/// <summary>Wall-clock time of a reload's steps, per reload, sampled from the running program.</summary>
/// <param name="Reloads">Edits made while tracing.</param>
/// <param name="PerReloadMs">Time on the reload thread inside the anchor method, per reload.</param>
/// <param name="Steps">The anchor's direct callees (and its own time), per reload, largest first.</param>
internal sealed record TraceBreakdown(int Reloads, string Anchor, double PerReloadMs, IReadOnlyList<TraceStep> Steps);

internal sealed record TraceStep(string Name, double MsPerReload);

/// <summary>
/// Samples the running program's thread stacks with <c>dotnet-trace</c> (dotnet-sampled-thread-time,
/// about 100 Hz) over a few extra edits, and splits the time spent inside the runtime's reload method
/// by the method it was calling: how a real reload of today's runtime spends its time. Needs the
/// dotnet-trace tool (<c>dotnet tool install -g dotnet-trace</c>); the edits it traces are not part of the latency figures.
/// </summary>
internal static class Tracing
{
    // Tried in order: the first one found in the trace is split. The reload session's locked body does every step.
    private static readonly string[] Anchors = ["HotIL.Pipeline.ReloadSession.ReloadLocked(", "HotIL.Pipeline.ReloadSession.Reload(", "HotIL.HotReload.Reload("];

    public static string? FindTool(string? given)
    {
        if (given != null) return File.Exists(given) ? given : null;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(home, ".dotnet", "tools"))
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "dotnet-trace.exe" : "dotnet-trace"));
        return candidates.FirstOrDefault(File.Exists);
    }

    public static Process Start(string tool, int processId, string output)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "collect", "-p", processId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "-o", output })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new MeasurementException("could not start dotnet-trace");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Stops the session the way Ctrl+C does, so the trace gets its rundown (method names).</summary>
    public static void Stop(Process trace)
    {
        if (!OperatingSystem.IsWindows()) _ = Kill(trace.Id, 2); // SIGINT
        if (!trace.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            trace.Kill(entireProcessTree: true);
            throw new MeasurementException("dotnet-trace did not stop within 5 minutes");
        }
    }

    public static TraceBreakdown Analyze(string tool, string nettrace, int reloads)
    {
        var basePath = Path.Combine(Path.GetDirectoryName(nettrace)!, Path.GetFileNameWithoutExtension(nettrace));
        var (code, output, _) = Tools.Run(tool, Path.GetDirectoryName(nettrace)!, TimeSpan.FromMinutes(10), "convert", nettrace, "--format", "Speedscope", "-o", basePath);
        var json = basePath + ".speedscope.json";
        if (code != 0 || !File.Exists(json)) throw new MeasurementException($"dotnet-trace convert failed:\n{output}");
        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
        var anchorIndex = Anchors.Select(a => Array.FindIndex(frames, f => f.Contains(a, StringComparison.Ordinal))).FirstOrDefault(i => i >= 0, -1);
        if (anchorIndex < 0) throw new MeasurementException("no reload method (HotIL.Pipeline.ReloadSession.ReloadLocked) in the trace");
        var anchor = frames[anchorIndex];

        var byChild = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = 0.0;
        foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            if (profile.GetProperty("type").GetString() != "evented") continue;
            var stack = new List<int>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (last is { } previous && stack.Count > 0)
                {
                    var position = stack.IndexOf(anchorIndex);
                    if (position >= 0)
                    {
                        var name = position + 1 < stack.Count ? Short(frames[stack[position + 1]]) : "(itself)";
                        byChild[name] = byChild.GetValueOrDefault(name) + (at - previous);
                        total += at - previous;
                    }
                }
                last = at;
                if (e.GetProperty("type").GetString() == "O") stack.Add(e.GetProperty("frame").GetInt32());
                else if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            }
        }
        var perReload = Math.Max(1, reloads);
        return new TraceBreakdown(reloads, Short(anchor), total / perReload,
            byChild.OrderByDescending(p => p.Value).Select(p => new TraceStep(p.Key, p.Value / perReload)).ToArray());
    }

    // "HotIL.Runtime!HotIL.Compilation.ProjectCompiler.Emit(bool)" → "ProjectCompiler.Emit"
    private static string Short(string frame)
    {
        var name = frame[(frame.IndexOf('!') + 1)..];
        var paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        var parts = name.Split('.');
        return parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : name;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
