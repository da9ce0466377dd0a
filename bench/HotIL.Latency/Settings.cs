namespace HotIL.Latency;

/// <summary>How the source edit is written to disk.</summary>
internal enum WriteMode
{
    /// <summary>Truncate and rewrite the file in place (what VS Code and most editors do by default).</summary>
    InPlace,

    /// <summary>Write a temporary file beside it and rename it over the original (vim, JetBrains "safe write").</summary>
    Atomic,
}

/// <summary>Everything one run of the harness needs, resolved from the command line.</summary>
internal sealed record Settings
{
    public required IReadOnlyList<TargetSpec> Targets { get; init; }

    public required bool MeasureHotIL { get; init; }

    public required bool MeasureWatch { get; init; }

    public required bool MeasureStartup { get; init; }

    public required bool MeasureStages { get; init; }

    /// <summary>Which <see cref="EditKind"/>s to time (by <see cref="EditKind.Id"/>); a program that lacks one skips it.</summary>
    public required IReadOnlyCollection<string> EditKinds { get; init; }

    /// <summary>Warm edits per program (the first edit comes on top).</summary>
    public required int Edits { get; init; }

    public required int StartupRuns { get; init; }

    public required int PollMilliseconds { get; init; }

    /// <summary>Pause after the program shows an edit before the next one is written.</summary>
    public required int GapMilliseconds { get; init; }

    public required WriteMode WriteMode { get; init; }

    public required TimeSpan EditTimeout { get; init; }

    public required TimeSpan StartTimeout { get; init; }

    /// <summary>The HotIL clone the generated projects import (eng/HotIL.InRepo.targets), with a trailing separator.</summary>
    public required string HotILRoot { get; init; }

    /// <summary>Configuration the HotIL runtime project is built in (the package ships Release).</summary>
    public required string RuntimeConfiguration { get; init; }

    public required string WorkDirectory { get; init; }

    public required bool KeepWorkDirectory { get; init; }

    /// <summary>The dotnet-trace tool, when HotIL's reloads are to be sampled (<c>--trace</c>).</summary>
    public string? DotnetTrace { get; init; }

    public string? MarkdownPath { get; init; }

    public string? JsonPath { get; init; }
}

/// <summary>One program to measure: the HotIL sample, or a generated project of about <see cref="Lines"/> lines.</summary>
internal sealed record TargetSpec(string Name, int Lines)
{
    public bool IsSample => Name == "sample";

    /// <summary>Parses <c>sample</c>, <c>10k</c>, <c>100k</c>, <c>2500</c> (lines).</summary>
    public static TargetSpec Parse(string text)
    {
        var name = text.Trim().ToLowerInvariant();
        if (name == "sample") return new("sample", 0);
        var thousands = name.EndsWith('k');
        if (int.TryParse(thousands ? name[..^1] : name, out var n) && n > 0)
        {
            var lines = thousands ? n * 1000 : n;
            if (lines < 500) throw new ArgumentException($"a generated project needs at least 500 lines: '{text}'");
            return new(thousands ? name : $"{lines}", lines);
        }
        throw new ArgumentException($"unknown target '{text}': use sample, or a size such as 10k, 100k or 2500 (lines)");
    }
}
