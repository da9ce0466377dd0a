namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// Writes the woven subjects to a folder, run on demand:
/// <c>HOTIL_WOVEN_OUT=/tmp/woven dotnet test tests/HotIL.RealWorld.Tests --filter FullyQualifiedName~WovenOutput</c>.
/// </summary>
/// <remarks>
/// For showing that a change to the weaver leaves its output byte for byte as it was: run it before and after
/// the change into two folders and compare them (<c>diff -r</c>, or the <c>SHA256SUMS</c> file each run writes).
/// </remarks>
public sealed class WovenOutputFactAttribute : FactAttribute
{
    public const string Variable = "HOTIL_WOVEN_OUT";

    public WovenOutputFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) Skip = $"on demand: set {Variable} to the folder to write to";
    }
}
