namespace HotIL.EndToEnd.Tests.Support;

/// <summary>Starting the Counter app the way most scenarios need it.</summary>
internal static class CounterApp
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Builds the project, starts it and waits until it watches its sources and has ticked a few times.</summary>
    public static ChildProcess StartWatching(ScratchProject project, string configuration = "Debug", params string[] properties)
    {
        project.Build(configuration, properties);
        var program = project.Start(configuration);
        program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
        program.WaitForLine(l => TickLine.Parse(l)?.Tick >= 3, Patience);
        return program;
    }

    /// <summary>The next tick line the program prints.</summary>
    public static TickLine NextTick(ChildProcess program) =>
        TickLine.Parse(program.WaitForLine(l => TickLine.Parse(l) != null, Patience))!;
}
