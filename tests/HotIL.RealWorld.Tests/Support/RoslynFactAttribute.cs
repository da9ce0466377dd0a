namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// A woven-Roslyn test, skipped unless asked for: <c>HOTIL_REALWORLD_ROSLYN=1 dotnet test tests/HotIL.RealWorld.Tests</c>.
/// </summary>
/// <remarks>
/// Out of the default run while an intermittent failure is open: about one run in ten, a concurrent
/// compile with woven Roslyn throws inside Roslyn (NullReferenceException, IndexOutOfRangeException in
/// <c>BinopEasyOut.OpKind</c>), and repeated loading and unloading of both Roslyn copies once crashed the test
/// host executing code in a freed JIT region. Whether weaving causes it is not known yet; see README.
/// </remarks>
public sealed class RoslynFactAttribute : FactAttribute
{
    public const string Variable = "HOTIL_REALWORLD_ROSLYN";

    public RoslynFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"woven Roslyn (intermittent failure open): set {Variable}=1";
    }
}
