namespace HotIL.Weaver.Patching;

/// <summary>What the diff needs to know of one method of a compiled module.</summary>
internal sealed record MethodShape(
    MethodKey Key,
    string Fingerprint,
    bool IsVirtual,
    bool IsConstructor,
    bool IsStaticConstructor,
    bool IsCompilerGenerated,
    string? NotReloadableBecause)
{
    /// <summary>How the method takes part in virtual dispatch.</summary>
    public VirtualRole Role { get; init; }

    /// <summary>For an override: the nearest base method it overrides (in this module).</summary>
    public MethodKey? Overrides { get; init; }

    /// <summary>Which of its receiver and parameters are passed read-only (see <see cref="ReadOnlyArgs"/>).</summary>
    public string ReadOnlyArguments { get; init; } = "";

    /// <summary>The source documents its line information points into (none without symbols).</summary>
    public IReadOnlyList<string> Documents { get; init; } = [];

    /// <summary>For a lambda or local function: where its body starts in the source, by which it is matched across compilations.</summary>
    public SourceSpan? BodySpan { get; init; }

    /// <summary>The methods of the same module it calls, or whose address it takes (for delegates).</summary>
    public IReadOnlyList<MethodUse> Uses { get; init; } = [];

    /// <summary>Its custom attributes, its parameters' and its return value's, as written (the compiler's own left out).</summary>
    public string Attributes { get; init; } = "";

    /// <summary>Whether code outside the assembly can call it (public or protected, in a type that is too).</summary>
    public bool IsVisibleOutside { get; init; }
}
