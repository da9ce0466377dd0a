using System.Text;
using HotIL.Sample;

// A Game of Life that you can rewrite while it runs: edit Rules.cs and save.
// `--ticks N` stops after N ticks; output that is not a terminal gets one plain line per tick.
var ticks = args.Length == 2 && args[0] == "--ticks" ? long.Parse(args[1]) : long.MaxValue;
var interactive = !Console.IsOutputRedirected;
var world = new World(interactive ? Math.Clamp(Console.WindowWidth - 2, 20, 100) : 60, interactive ? Math.Clamp(Console.WindowHeight - 6, 10, 40) : 20);
var screen = new Screen(interactive);
#if HOTIL
HotIL.HotReload.Output = null;
HotIL.HotReload.Reloaded += (_, result) => screen.Status = result.ToString();
HotIL.HotReload.ReloadFailed += (_, result) => screen.Status = result + Environment.NewLine + string.Join(Environment.NewLine, result.Diagnostics);
#endif
Console.CancelKeyPress += (_, _) => screen.Restore();

while (world.Tick < ticks)
{
    world.Step();
    screen.Draw(world);
    Thread.Sleep(interactive ? 120 : 20);
}
screen.Restore();

internal sealed class Screen(bool interactive)
{
    public volatile string Status = "Edit sample/HotIL.Sample/Rules.cs and save: the rules change, the world carries on.";

    public void Draw(World world)
    {
        var generation = CodeGeneration();
        if (!interactive)
        {
            Console.WriteLine($"tick={world.Tick} population={world.Population} rules={Rules.Name} generation={generation}");
            return;
        }
        var frame = new StringBuilder("\u001b[H\u001b[?25l");
        frame.Append($"\u001b[1mHotIL sample: {Rules.Name}\u001b[0m   tick {world.Tick}   population {world.Population}   code generation {generation}\u001b[K\n");
        for (var y = 0; y < world.Height; y++)
        {
            for (var x = 0; x < world.Width; x++)
            {
                var age = world.AgeAt(x, y);
                frame.Append(age == 0 ? " " : $"\u001b[{Rules.Colour(age)}m{Rules.Glyph(age)}\u001b[0m");
            }
            frame.Append("\u001b[K\n");
        }
        frame.Append(Status.Replace("\n", "\u001b[K\n")).Append("   (Ctrl+C quits)\u001b[K\n\u001b[J");
        Console.Write(frame.ToString());
    }

    public void Restore()
    {
        if (interactive) Console.Write("\u001b[?25h");
    }

#if HOTIL
    private static int CodeGeneration() => HotIL.HotReload.Generation;
#else
    private static int CodeGeneration() => 1;
#endif
}
