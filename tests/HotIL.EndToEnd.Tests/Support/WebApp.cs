namespace HotIL.EndToEnd.Tests.Support;

/// <summary>A web app of Apps/&lt;app&gt;/Site, built woven and running in Development on a loopback port of its own.</summary>
internal sealed class WebApp : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private WebApp(ScratchProject project, ChildProcess program, string address)
    {
        Project = project;
        Program = program;
        Address = address;
    }

    public ScratchProject Project { get; }

    public ChildProcess Program { get; }

    /// <summary>Where it listens: http://127.0.0.1:port.</summary>
    public string Address { get; }

    public static WebApp Start(string app, string configuration = "Debug")
    {
        var project = ScratchProject.CreateSolution(app, "Site");
        try
        {
            project.Build(configuration);
            var program = project.Start(configuration, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
                "--urls", "http://127.0.0.1:0");
            var address = program.WaitForLine(l => l.Contains("Now listening on: http://127.0.0.1:"), Patience).Split("Now listening on: ")[1].Trim();
            program.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
            return new WebApp(project, program, address);
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    /// <summary>How many reloads the app has applied so far, from its report lines.</summary>
    public int Applied => Program.StandardError.Split('\n').Count(l => l.Contains(" applied in "));

    /// <summary>Saves an edit of <paramref name="file"/> and waits until <paramref name="page"/> satisfies <paramref name="shown"/>; returns the time from the save.</summary>
    public async Task<TimeSpan> SaveAndWait(BrowserPage page, string file, string oldText, string newText, string shown)
    {
        Project.Edit(file, oldText, newText);
        return await page.WaitFor(shown, Patience);
    }

    public void Dispose()
    {
        Program.Dispose();
        Project.Dispose();
    }
}
