namespace HotIL;

/// <summary>Where a generation is in its lifetime.</summary>
public enum GenerationState
{
    /// <summary>At least one slot points into its code, or it is pinned.</summary>
    Live,
    /// <summary>No slot points into it; it waits out the grace period.</summary>
    Retired,
    /// <summary>Unload was requested; code still running in it (a loop, a suspended call, a live object) keeps it loaded.</summary>
    Unloading,
    /// <summary>The runtime collected it (checked through a weak reference).</summary>
    Collected,
}

/// <summary>A snapshot of one applied generation, for diagnostics and tests.</summary>
/// <param name="Program">The woven assembly it patches.</param>
/// <param name="Number">Its generation number (2 is the first reload).</param>
/// <param name="AssemblyName">The patch assembly's name.</param>
/// <param name="State">Where it is in its lifetime.</param>
/// <param name="Slots">How many slots point into its code.</param>
/// <param name="PinnedBecause">Why it is never retired, or null.</param>
public sealed record GenerationInfo(string Program, int Number, string AssemblyName, GenerationState State, int Slots, string? PinnedBecause);
