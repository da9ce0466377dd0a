namespace HotIL;

/// <summary>How much HotIL writes to <see cref="HotReload.Output"/>; each level includes the ones above it.</summary>
public enum HotReloadVerbosity
{
    /// <summary>Only edits that could not be applied (compile errors, rude edits, failures) and HotIL's own errors.</summary>
    Quiet,
    /// <summary>Also one line per applied reload.</summary>
    Minimal,
    /// <summary>Also start-up lines (ready, watching) and warnings. The default.</summary>
    Normal,
    /// <summary>Also the names of changed, added and removed methods, saves without code changes and calls of update handlers.</summary>
    Detailed,
}
