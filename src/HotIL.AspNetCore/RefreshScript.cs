using Microsoft.AspNetCore.Http;

namespace HotIL.AspNetCore;

/// <summary>The script pages run to follow reloads (refresh.js, embedded in this assembly).</summary>
internal static class RefreshScript
{
    private static readonly Lazy<byte[]> Text = new(() =>
    {
        using var stream = typeof(RefreshScript).Assembly.GetManifestResourceStream("HotIL.AspNetCore.refresh.js")
            ?? throw new InvalidOperationException("refresh.js is not embedded in HotIL.AspNetCore");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static async Task Serve(HttpResponse response)
    {
        response.ContentType = "text/javascript; charset=utf-8";
        // A new build of HotIL may change it; it is small, so it is never cached.
        response.Headers.CacheControl = "no-store";
        response.ContentLength = Text.Value.Length;
        await response.Body.WriteAsync(Text.Value);
    }
}
