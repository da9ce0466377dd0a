namespace HotIL.MSBuild;

/// <summary>
/// IDs of the task's informational messages (errors and warnings come from
/// <see cref="HotIL.Weaver.WeaveDiagnostics"/>). docs/diagnostics.md lists every one of them.
/// </summary>
public static class BuildMessages
{
    /// <summary>The assembly was woven (normal importance).</summary>
    public const string Woven = "HOTIL0100";

    /// <summary>The assembly was already woven; nothing was done (normal importance).</summary>
    public const string AlreadyWoven = "HOTIL0101";

    /// <summary>A method was left as it is, with the reason (low importance: <c>-v:detailed</c>).</summary>
    public const string MethodNotWoven = "HOTIL0102";
}
