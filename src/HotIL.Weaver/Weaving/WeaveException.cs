namespace HotIL.Weaver;

/// <summary>A weaving failure with its diagnostic ID; the input files are left untouched.</summary>
internal sealed class WeaveException(string id, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The diagnostic ID (<c>HOTILnnnn</c>).</summary>
    public string Id { get; } = id;
}
