namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// A woven-Roslyn stress test, run on demand: <c>HOTIL_REALWORLD_ROSLYN=1 dotnet test tests/HotIL.RealWorld.Tests</c>.
/// </summary>
/// <remarks>
/// It loads and unloads Roslyn many times to study the runtime crash recorded in decision 0012, which also
/// happens with no woven code in the process; it takes minutes and may take the test host down.
/// </remarks>
public sealed class RoslynFactAttribute : FactAttribute
{
    public const string Variable = "HOTIL_REALWORLD_ROSLYN";

    public RoslynFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"on-demand Roslyn stress: set {Variable}=1";
    }
}
