using System.Reflection.Metadata;
using Ticker;

[assembly: MetadataUpdateHandler(typeof(UpdateLog))]

// `--throw`: print the stack trace of an exception thrown in a woven method and exit.
// `--ticks N`: stop after N ticks. Otherwise one line per tick until killed; the loop stays in
// Main's first frame, so it keeps the code it started with while every call it makes gets the newest.
if (args is ["--throw"])
{
    try { Rules.Fail(); }
    catch (InvalidOperationException e) { Console.WriteLine(e); }
    return;
}
var ticks = args is ["--ticks", var count] ? int.Parse(count) : int.MaxValue;
var tally = new Tally();
for (var tick = 0; tick < ticks; tick++)
{
    tally.Step();
    Console.WriteLine($"tick={tick} value={tally.Value} rule={Rules.Describe()}");
    Thread.Sleep(30);
}
