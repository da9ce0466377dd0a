using Lambdas;

// Delegates made once, at start-up, and kept: an event subscription, a timer callback, a worker thread's loop.
// The main loop prints what each of them (and the delegates kept in static fields) produce right now.
Bus.Fired += () => Bus.Last = "E0";
using var timer = new Timer(_ => Clock.Last = "T0", null, 0, 10);
new Thread(Worker.Run) { IsBackground = true, Name = "worker" }.Start();
var scaled = new Scaled(101);
for (var tick = 0; ; tick++)
{
    Bus.Fire();
    Console.WriteLine($"tick={tick} event={Bus.Last} timer={Clock.Last} static={Kept.Describe()} query={string.Join(",", Kept.Query)} worker={Worker.Last} tag={Tagged.Read()} times={scaled.Times(1)}");
    Thread.Sleep(20);
}
