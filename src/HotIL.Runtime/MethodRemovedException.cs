namespace HotIL;

/// <summary>
/// Thrown when code calls a method that a reload removed (or whose signature it changed): the
/// method's slot now points at a tombstone. Only code that still runs an older generation can
/// reach one.
/// </summary>
public sealed class MethodRemovedException : MissingMethodException
{
    /// <summary>Creates the exception for <paramref name="method"/>, removed by <paramref name="generation"/>.</summary>
    public MethodRemovedException(string method, int generation)
        : base($"{method} was removed by HotIL reload generation {generation}; code from an older generation still called it.")
    {
        Method = method;
        Generation = generation;
    }

    /// <summary>The removed method, as <c>Namespace.Type.Method(parameter types)</c>.</summary>
    public string Method { get; }

    /// <summary>The generation whose reload removed it.</summary>
    public int Generation { get; }
}
