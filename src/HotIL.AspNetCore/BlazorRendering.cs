using System.Reflection;
using HotIL.Reporting;

namespace HotIL.AspNetCore;

/// <summary>
/// Lets Blazor re-render components after a reload. Blazor's renderer listens to its update handler
/// (<c>HotReloadManager</c>, called by HotIL after every reload as by .NET Hot Reload) only when the runtime says
/// metadata updates are supported, which it says only under a debugger or <c>DOTNET_MODIFIABLE_ASSEMBLIES=debug</c>;
/// HotIL patches code without either, so it tells Blazor itself, before the first renderer is made.
/// </summary>
internal static class BlazorRendering
{
    private const string Manager = "Microsoft.AspNetCore.Components.HotReload.HotReloadManager, Microsoft.AspNetCore.Components";

    public static void ReRenderOnReload()
    {
        Type? type;
        try
        {
            type = Type.GetType(Manager, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            type = null;
        }
        // Not a Blazor app (Microsoft.AspNetCore.Components is part of the shared framework, so this is rare): nothing to do.
        if (type == null) return;
        var manager = type.GetField("Default", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);
        var supported = type.GetProperty("MetadataUpdateSupported", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        if (manager == null || supported?.CanWrite != true)
        {
            HotReload.Write(RuntimeMessages.CannotReRender, "Blazor components will not re-render after a reload: this version of ASP.NET Core has no HotReloadManager.Default.MetadataUpdateSupported; refresh the page to see an edit");
            return;
        }
        supported.SetValue(manager, true);
    }
}
