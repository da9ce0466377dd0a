using App;
using Lib;

// One line per tick: what the library, a source-generated regex and a plain helper return right now.
for (var tick = 0; ; tick++)
{
    try
    {
        Console.WriteLine($"tick={tick} lib={Greeter.Greet("x")} regex={Patterns.Check("abc123")} extra={Extras.Describe()}");
    }
    catch (Exception e)
    {
        Console.WriteLine($"tick={tick} error={e.GetType().Name}: {e.Message}");
    }
    Thread.Sleep(30);
}
