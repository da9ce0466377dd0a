namespace HotIL.Testing;

/// <summary>How a program that ran to completion ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Output">Standard output and standard error, interleaved as the lines came, one line break after each line.</param>
/// <param name="Elapsed">From just before the start to the end of its output.</param>
public sealed record CommandResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The exit code and the output, for callers that do not time the command.</summary>
    public void Deconstruct(out int exitCode, out string output) => (exitCode, output) = (ExitCode, Output);
}
