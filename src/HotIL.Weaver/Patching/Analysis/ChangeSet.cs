namespace HotIL.Weaver.Patching;

/// <summary>A field added to a loaded class; it lives in side storage in the patch that adds it.</summary>
internal sealed record AddedFieldChange(string TypeFullName, string Name, bool IsStatic)
{
    /// <summary>
    /// Whether objects that already exist start with the field's default value: its value comes from a constructor
    /// parameter that is new too (a positional record gaining a member), so they never had one.
    /// </summary>
    public bool StartsAtDefault { get; init; }
}

/// <summary>A warning about an edit that is applied but does not do everything the user may expect.</summary>
internal sealed record EditWarning(string Id, string TypeFullName, string? MemberName, string Message)
{
    /// <summary>Whether the edit has no effect on the running program until it restarts.</summary>
    public bool NeedsRestart { get; init; }
}

/// <summary>
/// What changed between two compilations, decided before anything is built or loaded (pure data).
/// A change set with rude edits is never applied.
/// </summary>
internal sealed record ChangeSet(
    IReadOnlyList<MethodKey> Changed,
    IReadOnlyList<MethodKey> Added,
    IReadOnlyList<MethodKey> Removed,
    IReadOnlyList<string> AddedTypes,
    IReadOnlyList<RudeEdit> RudeEdits,
    IReadOnlyList<EditWarning> Warnings)
{
    /// <summary>Fields added to loaded classes.</summary>
    public IReadOnlyList<AddedFieldChange> AddedFields { get; init; } = [];

    /// <summary>Overrides added to loaded classes (also in <see cref="Added"/>), each with the base method it overrides.</summary>
    public IReadOnlyList<(MethodKey Override, MethodKey Root)> AddedOverrides { get; init; } = [];

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Changed.Count == 0 && Added.Count == 0 && Removed.Count == 0 && AddedTypes.Count == 0 && AddedFields.Count == 0;

    /// <summary>Whether the change set may be applied.</summary>
    public bool CanApply => RudeEdits.Count == 0;
}
