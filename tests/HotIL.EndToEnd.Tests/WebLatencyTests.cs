using System.Diagnostics;
using HotIL.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.EndToEnd.Tests;

/// <summary>
/// Save → the open page shows the change, for the same two web apps under HotIL and under dotnet watch (.NET's Hot
/// Reload with its browser refresh), in Debug. Each edit waits for the page's DOM (or a stylesheet's computed color)
/// from the moment the file is written. The numbers go to docs/performance.md.
/// </summary>
[Collection("builds")]
public sealed class WebLatencyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly int Edits = int.TryParse(Environment.GetEnvironmentVariable("HOTIL_WEB_LATENCY_EDITS"), out var n) ? n : 8;

    [WebLatencyFact]
    public async Task Save_to_browser_latency_of_HotIL_beside_dotnet_watch_on_a_Razor_Pages_and_a_Blazor_app()
    {
        var rows = new List<string> { $"load before: {Load()}" };
        foreach (var (app, file, marker, css) in new[]
                 {
                     ("RazorWeb", "Pages/Index.cshtml", "Welcome v", "wwwroot/site.css"),
                     ("BlazorWeb", "Components/Pages/Counter.razor", "Counter v", "wwwroot/app.css"),
                 })
        {
            foreach (var tool in new[] { "HotIL", "dotnet watch" })
            {
                using var project = ScratchProject.CreateSolution(app, "Site");
                var started = Stopwatch.StartNew();
                using var program = tool == "HotIL" ? StartWithHotIL(project) : StartUnderDotnetWatch(project);
                var address = program.WaitForLine(l => l.Contains("Now listening on: http://127.0.0.1:"), Patience).Split("Now listening on: ")[1].Trim();
                var startup = started.Elapsed;
                await using var chromium = await Chromium.Start();
                var page = await chromium.Open(address + "/");
                await page.WaitFor($"document.querySelector('#title')?.textContent === '{marker}0'", Patience);
                // Both tools connect their script after the page loads; HotIL also warms its compiler in the background.
                await Task.Delay(TimeSpan.FromSeconds(5));
                var markup = new List<double>();
                for (var i = 1; i <= Edits; i++)
                {
                    project.Edit(file, $"{marker}{i - 1}<", $"{marker}{i}<");
                    markup.Add((await page.WaitFor($"document.querySelector('#title')?.textContent === '{marker}{i}'", Patience)).TotalMilliseconds);
                    await Task.Delay(500);
                }
                var styles = new List<double>();
                for (var i = 1; i <= Math.Max(2, Edits / 2); i++)
                {
                    project.Edit(css, i == 1 ? "rgb(0, 0, 255)" : $"rgb({i - 1}, 0, 0)", $"rgb({i}, 0, 0)");
                    styles.Add((await page.WaitFor($"getComputedStyle(document.querySelector('#title')).color === 'rgb({i}, 0, 0)'", Patience)).TotalMilliseconds);
                    await Task.Delay(500);
                }
                rows.Add($"| {app} | {tool} | {startup.TotalSeconds:0.0} s | {markup[0]:0} | {Median(markup.Skip(1)):0} | {markup.Skip(1).Max():0} | {Median(styles):0} |");
                output.WriteLine(rows[^1] + $"   markup: {string.Join(", ", markup.Select(t => t.ToString("0")))}; css: {string.Join(", ", styles.Select(t => t.ToString("0")))}");
            }
        }
        rows.Add($"load after: {Load()}");
        output.WriteLine(string.Join('\n', rows));
    }

    private static ChildProcess StartWithHotIL(ScratchProject project)
    {
        project.Build("Debug");
        return project.Start("Debug", Development(), "--urls", "http://127.0.0.1:0");
    }

    // The same app without HotIL, run as a web developer runs it today.
    private static ChildProcess StartUnderDotnetWatch(ScratchProject project)
    {
        File.WriteAllText(project.InRoot("Directory.Build.props"), "<Project><PropertyGroup><UseHotIL>false</UseHotIL></PropertyGroup></Project>");
        var environment = Development();
        environment["DOTNET_WATCH_SUPPRESS_LAUNCH_BROWSER"] = "1";
        return DotnetCli.Default.Start(project.Directory, ["watch", "run", "--non-interactive", "--", "--urls", "http://127.0.0.1:0"], environment);
    }

    private static Dictionary<string, string?> Development() => new() { ["ASPNETCORE_ENVIRONMENT"] = "Development" };

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
