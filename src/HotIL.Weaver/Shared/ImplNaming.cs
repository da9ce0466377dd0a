namespace HotIL.Weaver;

/// <summary>
/// Names of the static methods that hold moved bodies. The name must differ from the
/// forwarder's (so reflection by name stays unambiguous) yet read as the user's method in a
/// stack trace, so the marker is a zero-width space: invisible when printed.
/// See docs/decisions/0002-impl-method-names.md.
/// </summary>
internal static class ImplNaming
{
    /// <summary>The invisible marker appended to an implementation method's name.</summary>
    public const string Marker = "\u200B";

    /// <summary>The implementation name for a method named <paramref name="methodName"/>.</summary>
    public static string ImplNameFor(string methodName) => methodName + Marker;

    /// <summary>Whether <paramref name="methodName"/> names an implementation method.</summary>
    public static bool IsImplName(string methodName) => methodName.EndsWith(Marker, StringComparison.Ordinal);

    /// <summary>The user's name of an implementation method.</summary>
    public static string UserName(string implName) =>
        IsImplName(implName) ? implName[..^Marker.Length] : implName;
}
