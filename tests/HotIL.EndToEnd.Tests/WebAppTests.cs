using HotIL.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Web apps in a real browser (Debian's headless Chromium): a Razor Pages app and a Blazor Server app run woven in
/// Development with a page open; saves of markup, code, stylesheets and a source generator's input reach the page
/// without a manual refresh, and component state survives where Blazor keeps it. One build and one process per app.
/// </summary>
[Collection("builds")]
public sealed class WebAppTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [BrowserFact]
    public async Task E52_E53_E56_E57_razor_page_markup_code_stylesheet_and_generator_input_reach_the_open_page()
    {
        using var app = WebApp.Start("RazorWeb");
        await using var chromium = await Chromium.Start();
        var page = await chromium.Open(app.Address + "/");
        await page.WaitFor("window.__hotil?.instance != null && document.querySelector('#title')?.textContent === 'Welcome v0'", Patience);
        var visits = int.Parse(await page.Text("#visits"));
        var latency = new Latency();

        // E52: the page's markup; the page refreshes itself, and the server's state (the visit count) is kept.
        latency.Add("page markup", await app.SaveAndWait(page, "Pages/Index.cshtml", "Welcome v0", "Welcome v1", Shows("#title", "Welcome v1")));
        int.Parse(await page.Text("#visits")).Should().BeGreaterThan(visits, "the refreshed page was served again by the same process");

        // E53: a method of the page's @functions, and its code-behind.
        latency.Add("page @functions", await app.SaveAndWait(page, "Pages/Index.cshtml", "\"motto-0\"", "\"motto-1\"", Shows("#motto", "motto-1")));
        latency.Add("page code-behind", await app.SaveAndWait(page, "Pages/Index.cshtml.cs", "\"model-0\"", "\"model-1\"", Shows("#model", "model-1")));

        // E57: the .json a source generator of the app reads.
        latency.Add("generator input", await app.SaveAndWait(page, "messages.json", "generated-0", "generated-1", Shows("#generated", "generated-1")));

        // E56: a stylesheet in wwwroot is swapped in place: the page is not refreshed (what it holds in script stays).
        await page.Evaluate<int>("window.__kept = 42");
        latency.Add("stylesheet", await app.SaveAndWait(page, "wwwroot/site.css", "rgb(0, 0, 255)", "rgb(255, 0, 0)", Colored("#title", "rgb(255, 0, 0)")));
        (await page.Evaluate<int>("window.__kept ?? 0")).Should().Be(42, "a stylesheet swap does not refresh the page");

        // An edit that does not compile is shown over the page, which keeps what it showed; undoing it clears it.
        app.Project.Edit("Pages/Index.cshtml", "@Motto()", "@Motto(1)");
        await page.WaitFor("document.querySelector('#hotil-overlay')?.dataset.kind === 'error'", Patience);
        (await page.Text("#hotil-overlay")).Should().Contain("Index.cshtml(").And.Contain("error CS1501");
        (await page.Text("#title")).Should().Be("Welcome v1");
        app.Project.Edit("Pages/Index.cshtml", "@Motto(1)", "@Motto()");
        await page.WaitFor("document.querySelector('#hotil-overlay') === null", Patience);

        output.WriteLine(latency.Describe("Razor Pages, HotIL, Debug"));
        output.WriteLine(app.Program.StandardError);
    }

    [BrowserFact]
    public async Task E54_E55_E56_blazor_component_markup_code_and_stylesheet_re_render_the_open_page_and_keep_its_state()
    {
        using var app = WebApp.Start("BlazorWeb");
        await using var chromium = await Chromium.Start();
        var page = await chromium.Open(app.Address + "/");
        await page.WaitFor("window.__hotil?.instance != null && document.querySelector('#title')?.textContent === 'Counter v0'", Patience);
        var count = await CountOnceInteractive(page);
        await page.Click("#increment");
        await page.Click("#increment");
        await page.WaitFor(Shows("#count", $"Count: {count + 2}"), Patience);
        count += 2;
        await page.Evaluate<int>("window.__kept = 42");
        var latency = new Latency();

        // E54: the component's markup re-renders in place; its state (the count) and the page (its script state) stay.
        latency.Add("component markup", await app.SaveAndWait(page, "Components/Pages/Counter.razor", "Counter v0", "Counter v1", Shows("#title", "Counter v1")));
        (await page.Text("#count")).Should().Be($"Count: {count}", "the component's state survives the re-render");

        // E55: a method of @code that the markup calls re-renders too ...
        latency.Add("component @code", await app.SaveAndWait(page, "Components/Pages/Counter.razor", "\"label-0\"", "\"label-1\"", Shows("#label", "label-1")));
        // ... and an event handler runs its new body on the next click, counting on from the kept state.
        var applied = app.Applied;
        app.Project.Edit("Components/Pages/Counter.razor", "count++;", "count += 10;");
        app.Program.WaitForError(_ => app.Applied > applied, Patience);
        await page.Click("#increment");
        await page.WaitFor(Shows("#count", $"Count: {count + 10}"), Patience);

        // E56: a stylesheet in wwwroot (served by MapStaticAssets) is swapped in place.
        latency.Add("stylesheet", await app.SaveAndWait(page, "wwwroot/app.css", "rgb(0, 0, 255)", "rgb(255, 0, 0)", Colored("#title", "rgb(255, 0, 0)")));
        (await page.Evaluate<int>("window.__kept ?? 0")).Should().Be(42, "nothing in this test refreshed the page");
        (await page.Text("#count")).Should().Be($"Count: {count + 10}");
        // A later reload merges the server's <head> back in (Blazor's enhanced refresh): the swapped stylesheet stays.
        await app.SaveAndWait(page, "Components/Pages/Counter.razor", "Counter v1", "Counter v2", Shows("#title", "Counter v2"));
        await page.WaitFor(Colored("#title", "rgb(255, 0, 0)"), TimeSpan.FromSeconds(5));

        output.WriteLine(latency.Describe("Blazor Server, HotIL, Debug"));
        output.WriteLine(app.Program.StandardError);
    }

    // Clicks until the circuit is up (clicks before it are lost) and returns the count the first counted click left.
    private static async Task<int> CountOnceInteractive(BrowserPage page)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            await page.Click("#increment");
            await Task.Delay(100);
            var text = await page.Text("#count");
            if (text != "Count: 0") return int.Parse(text["Count: ".Length..]);
        }
        throw new TimeoutException("the Blazor circuit never became interactive");
    }

    private static string Shows(string selector, string text) => $"document.querySelector('{selector}')?.textContent === '{text}'";

    private static string Colored(string selector, string color) =>
        $"(() => {{ const e = document.querySelector('{selector}'); return e !== null && getComputedStyle(e).color === '{color}'; }})()";

    /// <summary>Save → page shows it, per edit kind.</summary>
    private sealed class Latency
    {
        private readonly List<(string Edit, TimeSpan Time)> _times = [];

        public void Add(string edit, TimeSpan time) => _times.Add((edit, time));

        public string Describe(string what) =>
            $"{what}: save → page shows it: " + string.Join(", ", _times.Select(t => $"{t.Edit} {t.Time.TotalMilliseconds:0} ms"));
    }
}
