namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// A test held back by a known problem (the reason says which), so that it does not stall the suite;
/// skipped unless asked for: <c>HOTIL_KNOWN_ISSUES=1 dotnet test tests/HotIL.RealWorld.Tests</c>.
/// </summary>
public sealed class KnownIssueFactAttribute : FactAttribute
{
    public const string Variable = "HOTIL_KNOWN_ISSUES";

    public KnownIssueFactAttribute(string issue)
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"{issue} (set {Variable}=1 to run it)";
    }
}
