using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HotIL.AspNetCore;

/// <summary>Puts the refresh middleware first, so it sees every page the app's own pipeline writes.</summary>
internal sealed class BrowserRefreshStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var pages = app.ApplicationServices.GetRequiredService<PageChannel>();
        var environment = app.ApplicationServices.GetRequiredService<IWebHostEnvironment>();
        pages.Start(StaticFileWatcher.WebRoots(environment));
        app.UseMiddleware<BrowserRefreshMiddleware>();
        next(app);
    };
}
