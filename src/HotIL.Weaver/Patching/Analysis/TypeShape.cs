namespace HotIL.Weaver.Patching;

/// <summary>What the diff needs to know of one user type of a compiled module.</summary>
internal sealed record TypeShape(
    string FullName,
    string Kind,
    string? BaseType,
    IReadOnlyList<string> Interfaces,
    int GenericArity,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> EnumMembers)
{
    /// <summary>Whether it is a closure the compiler made (a display class or static lambda cache) rather than the user's type.</summary>
    public bool IsClosure { get; init; }

    /// <summary>Its custom attributes as written (the compiler's own left out).</summary>
    public string Attributes { get; init; } = "";

    /// <summary>Custom attributes of its fields, properties and events, by member name.</summary>
    public IReadOnlyDictionary<string, string> MemberAttributes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What its static constructor does, split by the static field each part of it stores (a field initializer is the
    /// code before its store); <c>.cctor</c> is what follows the last store. Empty without a static constructor.
    /// </summary>
    public IReadOnlyDictionary<string, string> StaticInitializers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Fields whose initial value only a constructor can compute, each with the constructor parameters it comes from
    /// (see <see cref="AddedFieldStorage.ConstructorOnlyFields"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ConstructorOnlyFields { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The names of its constructors' parameters.</summary>
    public IReadOnlyList<string> ConstructorParameters { get; init; } = [];
}
