namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// A test that runs the big corpus (tens of seconds to minutes), skipped unless asked for:
/// <c>HOTIL_LARGE_CORPUS=1 dotnet test tests/HotIL.RealWorld.Tests</c>.
/// </summary>
public sealed class LargeCorpusFactAttribute : FactAttribute
{
    public const string Variable = "HOTIL_LARGE_CORPUS";

    public LargeCorpusFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"large corpus: set {Variable}=1";
    }
}
