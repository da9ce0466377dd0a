namespace Lambdas;

public static class Bus
{
    public static event Action? Fired;
    public static string Last = "";
    public static void Fire() => Fired?.Invoke();
}

public static class Clock
{
    public static volatile string Last = "";
}

public static class Kept
{
    public static readonly int Seed = 1;
    private static readonly Func<string> Describer = () => "S0";
    public static readonly IEnumerable<int> Query = new[] { 1, 2, 3 }.Where(x => x > 1).Select(x => x * 10);

    public static string Describe() => Describer() + "/" + Seed;
}

[System.ComponentModel.Description("d0")]
public static class Tagged
{
    // Read by reflection, as frameworks read attributes.
    public static string Read() => ((System.ComponentModel.DescriptionAttribute)typeof(Tagged).GetCustomAttributes(false)[0]).Description;
}

// Made once at start-up; its factor is not kept by the object because no member uses it after construction.
public class Scaled(int factor)
{
    public int Factor { get; } = factor + 0;
    public int Times(int x) => x * 7;
}

public static class Worker
{
    public static volatile string Last = "";

    // Started once and never returns: its loop keeps the body it started with.
    public static void Run()
    {
        var round = 0;
        while (true)
        {
            round++;
            Last = "W0";
            Thread.Sleep(10);
        }
    }
}
