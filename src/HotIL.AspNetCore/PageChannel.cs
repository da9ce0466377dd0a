using System.Threading.Channels;
using HotIL.Reporting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HotIL.AspNetCore;

/// <summary>
/// The open pages of the app, each listening on a server-sent-event stream, and what they are told: after a reload
/// (<c>applied</c>: pages refresh or re-render), after an attempt that was not applied or needs a restart
/// (<c>report</c>: pages show it over their content), and after a save in the web root (<c>css</c>: pages swap their
/// stylesheets; <c>static</c>: pages refresh). A page that connects later is told what still stands.
/// </summary>
internal sealed class PageChannel : IDisposable
{
    // Identifies this process to pages: after a restart (HotILRestart) a page that reconnects sees a new one and refreshes.
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly object _gate = new();
    private readonly List<ChannelWriter<PageMessage>> _pages = [];
    private readonly Dictionary<string, PageReport> _standing = new(StringComparer.Ordinal);
    private StaticFileWatcher? _staticFiles;

    public PageChannel() => HotReload.Attempted += OnAttempted;

    /// <summary>Starts watching the web roots and says once that pages follow reloads.</summary>
    public void Start(IReadOnlyList<string> webRoots)
    {
        _staticFiles ??= new StaticFileWatcher(webRoots, OnStaticFilesSaved);
        HotReload.Write(RuntimeMessages.BrowserRefreshOn, $"browser refresh on: pages follow each reload ({BrowserRefreshMiddleware.ScriptPath}); watching {(webRoots.Count == 0 ? "no web root" : string.Join(", ", webRoots))} for stylesheets");
    }

    /// <summary>Streams events to one page until it goes away or the app stops.</summary>
    public async Task Serve(HttpContext context, CancellationToken stopping)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var page = Channel.CreateUnbounded<PageMessage>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _pages.Add(page.Writer);
            page.Writer.TryWrite(PageMessage.Of("hello", new { instance = _instance, reports = _standing.Values.ToArray() }));
        }
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await foreach (var message in page.Reader.ReadAllAsync(end.Token))
            {
                await context.Response.Body.WriteAsync(message.Frame(), end.Token);
                await context.Response.Body.FlushAsync(end.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The page closed, or the app is stopping: nothing to tell anyone.
        }
        finally
        {
            lock (_gate) _pages.Remove(page.Writer);
        }
    }

    // Runs on the thread that reloaded, under HotIL's reload lock: only queue messages here.
    private void OnAttempted(object? sender, ReloadResult result)
    {
        lock (_gate)
        {
            var report = PageReport.Of(result);
            var changed = report == null ? _standing.Remove(result.Assembly) : !Equals(_standing.GetValueOrDefault(result.Assembly), report);
            if (report != null) _standing[result.Assembly] = report;
            var reports = _standing.Values.ToArray();
            if (result.Status == ReloadStatus.Applied) Send(PageMessage.Of("applied", new { generation = result.Generation, reports }), $"generation {result.Generation} applied");
            else if (changed) Send(PageMessage.Of("report", new { reports }), report == null ? "the earlier report is resolved" : report.Title);
        }
    }

    private void OnStaticFilesSaved(IReadOnlyCollection<string> urlPaths)
    {
        var styles = urlPaths.Where(p => p.EndsWith(".css", StringComparison.OrdinalIgnoreCase)).ToArray();
        var others = urlPaths.Where(p => Path.GetExtension(p).ToLowerInvariant() is ".js" or ".mjs" or ".html" or ".htm").ToArray();
        lock (_gate)
        {
            if (others.Length > 0) Send(PageMessage.Of("static", new { paths = others }), $"{string.Join(", ", others)} saved; refresh");
            else if (styles.Length > 0) Send(PageMessage.Of("css", new { paths = styles }), $"{string.Join(", ", styles)} saved; swap stylesheets");
        }
    }

    private void Send(PageMessage message, string what)
    {
        foreach (var page in _pages) page.TryWrite(message);
        HotReload.Write(RuntimeMessages.PagesTold, $"told {_pages.Count} open {(_pages.Count == 1 ? "page" : "pages")}: {what}");
    }

    public void Dispose()
    {
        HotReload.Attempted -= OnAttempted;
        _staticFiles?.Dispose();
        lock (_gate) foreach (var page in _pages) page.TryComplete();
    }
}
