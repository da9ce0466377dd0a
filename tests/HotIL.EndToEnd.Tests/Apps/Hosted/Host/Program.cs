using Lib;

// One line every 50 ms with what the woven library returns. The request file's appearance asks the library to
// reload, as a test suite that wants edits applied would.
var reloadRequest = Environment.GetEnvironmentVariable("HOST_RELOAD_REQUEST");
for (var tick = 0; ; tick++)
{
    if (reloadRequest != null && File.Exists(reloadRequest))
    {
        File.Delete(reloadRequest);
        Console.WriteLine($"reload={Reloading.Now()}");
    }
    Console.WriteLine($"tick={tick} lib={Greeter.Greet("x")}");
    Thread.Sleep(50);
}
