using System.ComponentModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HotIL.AspNetCore;

/// <summary>
/// Turns on browser refresh in a web app woven by HotIL, in Development only: pages the app serves get a small script
/// that follows every reload. HotIL.MSBuild names this type in the app's own assembly
/// (<c>[assembly: HostingStartup(typeof(BrowserRefreshStartup))]</c>), which ASP.NET Core runs at start-up; not for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BrowserRefreshStartup : IHostingStartup
{
    /// <summary>Adds the refresh middleware in front of the app's pipeline when the environment is Development.</summary>
    /// <param name="builder">The app's web host builder.</param>
    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices((context, services) =>
        {
            if (!context.HostingEnvironment.IsDevelopment()) return;
            services.TryAddSingleton<PageChannel>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, BrowserRefreshStartupFilter>());
            BlazorRendering.ReRenderOnReload();
        });
}
