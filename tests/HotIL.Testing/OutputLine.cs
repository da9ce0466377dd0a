using System.Diagnostics;

namespace HotIL.Testing;

/// <summary>One line a child process wrote, with the moment it was read.</summary>
/// <param name="Index">Position among all lines of the process (both streams), in the order they were read.</param>
/// <param name="IsError">Whether it came on standard error.</param>
/// <param name="Text">The line, without its line break.</param>
/// <param name="Timestamp">A <see cref="Stopwatch.GetTimestamp"/> value taken as the line was read.</param>
public sealed record OutputLine(int Index, bool IsError, string Text, long Timestamp);
