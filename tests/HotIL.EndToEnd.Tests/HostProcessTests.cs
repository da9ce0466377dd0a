using System.Diagnostics;
using HotIL.EndToEnd.Tests.Support;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// A process whose entry assembly is not woven but which loads a woven library, as a test host does (Apps/Hosted:
/// an unwoven Host calling a woven Lib, both real processes): HotIL stays out of its way unless asked.
/// </summary>
[Collection("builds")]
public class HostProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Host_whose_entry_assembly_is_not_woven_starts_no_watcher_and_prints_nothing_unless_HOTIL_WATCH_1_asks()
    {
        using var hosted = ScratchProject.CreateSolution("Hosted", "Host");
        hosted.Build("Debug");
        var greeter = hosted.InRoot("Lib/Greeter.cs");

        // HOTIL_WATCH=1 watches the library as a woven program would; the time from start-up to an applied save
        // bounds the wait for silence below.
        var clock = Stopwatch.StartNew();
        using (var forced = hosted.Start("Debug", new Dictionary<string, string?> { ["HOTIL_WATCH"] = "1" }))
        {
            forced.WaitForError(l => l.Contains("[HotIL] watching") && l.EndsWith("for changes to Lib [HOTIL4002]", StringComparison.Ordinal), Patience);
            hosted.Edit(greeter, "hello-", "bonjour-");
            forced.WaitForLine(l => l.EndsWith("lib=bonjour-x", StringComparison.Ordinal), Patience);
        }
        var watcherTook = clock.Elapsed;
        hosted.Edit(greeter, "bonjour-", "hello-");

        var request = hosted.PathOf("reload.request");
        using var host = hosted.Start("Debug", new Dictionary<string, string?> { ["HOST_RELOAD_REQUEST"] = request });
        host.WaitForLine(l => l.EndsWith("lib=hello-x", StringComparison.Ordinal), Patience);
        HelloFor(host, watcherTook + TimeSpan.FromSeconds(1));
        host.StandardError.Should().BeEmpty($"HotIL writes nothing into a process that is not a woven program (a watcher was announced {watcherTook.TotalSeconds:F1} s after start-up)");

        // Asked once, the library is ready to reload; a save is still applied only when asked again.
        Request(host, request).Should().Be("reload=Lib:NoChanges");
        hosted.Edit(greeter, "hello-", "bonjour-");
        HelloFor(host, TimeSpan.FromSeconds(2));
        Request(host, request).Should().Be("reload=Lib:Applied");
        host.WaitForLine(l => l.Contains("lib="), Patience).Should().EndWith("lib=bonjour-x");
    }

    // Every line for that long still shows the code the library was built with.
    private static void HelloFor(ChildProcess host, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
            host.WaitForLine(l => l.Contains("lib="), Patience).Should().EndWith("lib=hello-x", "no watcher applies a save");
    }

    private static string Request(ChildProcess host, string requestFile)
    {
        File.WriteAllText(requestFile, "");
        return host.WaitForLine(l => l.StartsWith("reload=", StringComparison.Ordinal), Patience);
    }
}
