namespace HotIL.Reporting;

/// <summary>
/// Writes HotIL's lines to a <see cref="TextWriter"/>, each prefixed with <c>[HotIL]</c>: diagnostics as
/// <c>severity ID: text</c>, reports as <c>text [ID]</c>, and detail lines (compiler errors, method
/// names) indented under the line they belong to. Lines below the verbosity are dropped.
/// </summary>
internal static class OutputWriter
{
    /// <summary>Writes one message and its detail lines, when <paramref name="verbosity"/> shows <paramref name="kind"/>.</summary>
    public static void Write(TextWriter? output, HotReloadVerbosity verbosity, MessageKind kind, string text, IEnumerable<string>? details = null)
    {
        if (output == null || verbosity < kind.ShownFrom) return;
        var head = kind.Severity == null ? $"{text} [{kind.Id}]" : $"{kind.Severity} {kind.Id}: {text}";
        lock (output)
        {
            output.WriteLine("[HotIL] " + head);
            foreach (var line in details ?? []) output.WriteLine("[HotIL]   " + line);
        }
    }

    /// <summary>The detail lines of a reload's outcome at <paramref name="verbosity"/>: its diagnostics, and method names and step times when detailed.</summary>
    public static IEnumerable<string> DetailsOf(ReloadResult result, HotReloadVerbosity verbosity)
    {
        var failed = result.Status is not (ReloadStatus.Applied or ReloadStatus.NoChanges) || result.NeedRestart.Count > 0;
        foreach (var line in result.Diagnostics)
            if (failed || verbosity >= HotReloadVerbosity.Normal) yield return line;
        if (verbosity < HotReloadVerbosity.Detailed) yield break;
        foreach (var method in result.ChangedMethods) yield return "changed " + method;
        foreach (var method in result.AddedMethods) yield return "added " + method;
        foreach (var method in result.RemovedMethods) yield return "removed " + method;
        foreach (var type in result.AddedTypes) yield return "added type " + type;
        if (result.Stages.Count > 0) yield return "took " + string.Join(", ", result.Stages);
    }
}
