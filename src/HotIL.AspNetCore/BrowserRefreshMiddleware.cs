using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace HotIL.AspNetCore;

/// <summary>
/// Serves the refresh script and the event stream pages listen on, and adds the script to every HTML page the app
/// writes. Runs first in the pipeline, in Development only.
/// </summary>
internal sealed class BrowserRefreshMiddleware(RequestDelegate next, PageChannel pages, IHostApplicationLifetime lifetime)
{
    public const string ScriptPath = "/_hotil/refresh.js";
    public const string EventsPath = "/_hotil/events";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path == EventsPath)
        {
            await pages.Serve(context, lifetime.ApplicationStopping);
            return;
        }
        if (context.Request.Path == ScriptPath)
        {
            await RefreshScript.Serve(context.Response);
            return;
        }
        if (!ScriptInjectingStream.IsPageRequest(context.Request))
        {
            await next(context);
            return;
        }
        var body = context.Response.Body;
        var injecting = new ScriptInjectingStream(body, context.Response, ScriptPath);
        context.Response.Body = injecting;
        try
        {
            await next(context);
            await injecting.FinishAsync(context.RequestAborted);
        }
        finally
        {
            context.Response.Body = body;
        }
    }
}
