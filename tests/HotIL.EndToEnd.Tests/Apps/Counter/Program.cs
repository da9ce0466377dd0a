using Counter;

// Prints one line per tick until killed. The loop runs in Main's first (and only) frame, so it
// stays on the code the program started with while every call it makes goes to the newest code.
#if HOTIL
// Lets a test check that a failing reload handler is reported and the reload still stands.
if (Environment.GetEnvironmentVariable("COUNTER_THROWING_HANDLER") == "1")
    HotIL.HotReload.Reloaded += (_, _) => throw new InvalidOperationException("handler bug");
// Lets a test see what a slow handler observes while more saves arrive.
if (Environment.GetEnvironmentVariable("COUNTER_SLOW_HANDLER") == "1")
    HotIL.HotReload.Reloaded += (_, result) =>
    {
        Thread.Sleep(300);
        Console.WriteLine($"handler generation={result.Generation} installed={HotIL.HotReload.Generation} rule={Rules.Describe()}");
    };
// Lets a test ask for a reload without a watcher: the file's appearance is the request.
var reloadRequest = Environment.GetEnvironmentVariable("COUNTER_RELOAD_REQUEST");
#endif
var counter = new Tally();
for (var tick = 0; ; tick++)
{
    try
    {
#if HOTIL
        if (reloadRequest != null && File.Exists(reloadRequest))
        {
            File.Delete(reloadRequest);
            foreach (var result in HotIL.HotReload.ReloadAsync().GetAwaiter().GetResult()) Console.WriteLine($"reload={result.Status}");
        }
#endif
        counter.Step();
        Console.WriteLine($"tick={tick} value={counter.Value} rule={Rules.Describe()}");
    }
    catch (Exception e)
    {
        Console.WriteLine($"tick={tick} error={e.GetType().Name}: {e.Message}");
    }
    Thread.Sleep(30);
}
