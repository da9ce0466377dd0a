using HotIL.Package.Tests.Support;
using Xunit.Abstractions;

namespace HotIL.Package.Tests;

/// <summary>
/// The README's web quickstart, from the package this run built: a new Razor Pages app (dotnet new webapp, whose Error
/// page has an attribute with an ASP.NET Core enum the weaver must resolve) gets the refresh script in Development and
/// serves an edited page, and gets nothing in Production or when HotIL is off.
/// </summary>
[Collection(ConsumerCollection.Name)]
public sealed class WebQuickstartTests(LocalFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string ScriptTag = "<script src=\"/_hotil/refresh.js\"></script>";

    [Fact]
    public async Task A_new_web_app_with_the_package_serves_its_edited_page_with_the_refresh_script_only_in_Development_and_only_when_enabled()
    {
        using var project = ConsumerProject.Empty(feed, "WebQuickstart");
        project.Dotnet("new", "webapp", "-o", "MyWeb");
        project.Dotnet("add", "MyWeb", "package", "HotIL.MSBuild", "--version", feed.Version);
        project.Build("MyWeb", "Debug");

        using (var app = Start(project, "Debug", "Development", out var client))
        {
            app.WaitForError(l => l.Contains("[HotIL] watching"), Patience);
            app.StandardError.Should().Contain("browser refresh on").And.Contain("[HOTIL4010]");
            (await Page(client)).Should().Contain(ScriptTag).And.Contain(">Welcome<");
            (await client.GetStringAsync("/_hotil/refresh.js")).Should().Contain("EventSource");

            project.Edit("MyWeb/Pages/Index.cshtml", ">Welcome<", ">Welcome, edited live<");
            await Until(async () => (await Page(client)).Contains(">Welcome, edited live<"));
            output.WriteLine(app.StandardError);
        }
        using (var app = Start(project, "Debug", "Production", out var client))
            (await Page(client)).Should().NotContain("_hotil", "nothing is injected outside Development");

        project.Build("MyWeb", "Release");
        File.Exists(Path.Combine(project.OutputDirectory("MyWeb", "Release"), "HotIL.AspNetCore.dll")).Should().BeFalse("a default Release build has no HotIL");
        using (var app = Start(project, "Release", "Development", out var client))
            (await Page(client)).Should().NotContain("_hotil", "nothing is injected when HotIL is off");
    }

    private static ChildProcess Start(ConsumerProject project, string configuration, string environment, out HttpClient client)
    {
        var app = project.Start("MyWeb", configuration, new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = environment },
            "--urls", "http://127.0.0.1:0", "--contentRoot", project.PathOf("MyWeb"));
        var address = app.WaitForLine(l => l.Contains("Now listening on: http://127.0.0.1:"), Patience).Split("Now listening on: ")[1].Trim();
        client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return app;
    }

    private static async Task<string> Page(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the edited page was never served");
            await Task.Delay(50);
        }
    }
}
