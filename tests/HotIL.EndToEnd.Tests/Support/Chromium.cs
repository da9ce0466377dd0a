using System.Diagnostics;
using PuppeteerSharp;

namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// Debian's headless Chromium, driven over the DevTools protocol; never a browser downloaded at test time. Each instance
/// has a fresh profile, and the flags keep it from reaching anything but the app on the loopback address.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private readonly IBrowser _browser;
    private readonly string _profile;

    private Chromium(IBrowser browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    public static bool IsInstalled => File.Exists(Executable);

    public static async Task<Chromium> Start()
    {
        var profile = Directory.CreateTempSubdirectory("hotil-chromium-").FullName;
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            UserDataDir = profile,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
        return new Chromium(browser, profile);
    }

    public async Task<BrowserPage> Open(string url)
    {
        var page = await _browser.NewPageAsync();
        await page.GoToAsync(url, new NavigationOptions { Timeout = 60_000, WaitUntil = [WaitUntilNavigation.Load] });
        return new BrowserPage(page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
        try { Directory.Delete(_profile, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>One open page; waits read the live DOM, across the page's own refreshes.</summary>
internal sealed class BrowserPage(IPage page)
{
    public IPage Page => page;

    /// <summary>Evaluates <paramref name="expression"/> until it is true, and returns how long that took.</summary>
    public async Task<TimeSpan> WaitFor(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await page.EvaluateExpressionAsync<bool>(expression)) return clock.Elapsed;
            }
            catch (PuppeteerException e)
            {
                // The page is refreshing: its old document is gone and the new one is not there yet.
                last = e;
            }
            await Task.Delay(10);
        }
        var html = await Html();
        throw new TimeoutException($"the page did not satisfy `{expression}` within {timeout.TotalSeconds} s ({last?.Message}).\n--- page ---\n{html}");
    }

    public async Task<T> Evaluate<T>(string expression) => await page.EvaluateExpressionAsync<T>(expression);

    public async Task<string> Text(string selector) => await page.EvaluateExpressionAsync<string>($"document.querySelector('{selector}')?.textContent ?? ''");

    /// <summary>
    /// Clicks the element <paramref name="selector"/> finds. When the page replaces that element between finding and
    /// clicking it (Blazor attaching its circuit to the prerendered page, a re-render), finds it again and clicks that:
    /// Chromium then says the node is detached, or, caught while it is being swapped, that it has no box to click.
    /// </summary>
    public async Task Click(string selector)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ClickAsync(selector);
                return;
            }
            catch (PuppeteerException e) when (attempt < 20 && IsReplaced(e))
            {
                await Task.Delay(50);
            }
        }
    }

    private static bool IsReplaced(PuppeteerException e) =>
        e.Message.Contains("detached", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("not clickable", StringComparison.OrdinalIgnoreCase);

    private async Task<string> Html()
    {
        try { return await page.GetContentAsync(); }
        catch (PuppeteerException e) { return e.Message; }
    }
}
