namespace HotIL.Weaver;

/// <summary>A slot the weaver created: its index in the registry and the method it serves.</summary>
/// <param name="Index">Index among the registry's plain slots, or among its generic holders.</param>
/// <param name="Key">The method it serves.</param>
/// <param name="IsGeneric">Whether it is a generic holder (one pointer per instantiation).</param>
internal sealed record WovenSlot(int Index, MethodKey Key, bool IsGeneric = false);

/// <summary>A method the weaver left alone, and why.</summary>
internal sealed record SkippedMethod(MethodKey Key, string Reason);

/// <summary>What weaving a module did.</summary>
/// <param name="AlreadyWoven">The module had been woven before; nothing changed.</param>
/// <param name="Slots">Plain slots, by registry index (the manifest lists these).</param>
/// <param name="Skipped">Methods left as they are.</param>
internal sealed record WeaveResult(bool AlreadyWoven, IReadOnlyList<WovenSlot> Slots, IReadOnlyList<SkippedMethod> Skipped)
{
    /// <summary>Generic slot holders (found at run time by their type name and key constant).</summary>
    public IReadOnlyList<WovenSlot> GenericSlots { get; init; } = [];

    /// <summary>
    /// Whether methods kept their bodies behind a guard (unoptimized code) rather than forwarding to a
    /// separate implementation (optimized code); see decision 0014.
    /// </summary>
    public bool BodiesGuardedInPlace { get; init; }
}
