using System.Text;
using Microsoft.AspNetCore.Http;

namespace HotIL.AspNetCore;

/// <summary>
/// The response body of a page request: passes the app's bytes through and, when the response is HTML, writes the
/// refresh script's tag before <c>&lt;/body&gt;</c> (or after the last byte when none is seen). Streamed responses stay
/// streamed; compressed ones, and ones whose length was already sent, are passed through untouched.
/// </summary>
internal sealed class ScriptInjectingStream(Stream inner, HttpResponse response, string scriptPath) : Stream
{
    private readonly byte[] _tag = Encoding.UTF8.GetBytes($"<script src=\"{scriptPath}\"></script>");
    private bool? _html;
    private bool _injected;

    /// <summary>Whether a request is a browser asking for a page (not a Blazor enhanced navigation, which keeps the page and its script).</summary>
    public static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.ToString() is var accept
        && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !accept.Contains("blazor-enhanced-nav", StringComparison.OrdinalIgnoreCase);

    // Decided at the first write, when the app has set its headers but (usually) not yet sent them.
    private bool IsHtml()
    {
        if (_html is { } known) return known;
        var html = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            && string.IsNullOrEmpty(response.Headers.ContentEncoding)
            && (!response.HasStarted || response.ContentLength == null);
        if (html && !response.HasStarted) response.ContentLength = null;
        _html = html;
        return html;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var at = buffer.IsEmpty || _injected || !IsHtml() ? -1 : BodyEnd(buffer.Span);
        if (at < 0)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        _injected = true;
        await inner.WriteAsync(buffer[..at], cancellationToken);
        await inner.WriteAsync(_tag, cancellationToken);
        await inner.WriteAsync(buffer[at..], cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>After the app wrote its last byte: the tag goes at the end of an HTML page that had no <c>&lt;/body&gt;</c> in one piece.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_html != true || _injected) return;
        _injected = true;
        await inner.WriteAsync(_tag, cancellationToken);
    }

    private static int BodyEnd(ReadOnlySpan<byte> bytes)
    {
        var lower = bytes.IndexOf("</body>"u8);
        return lower >= 0 ? lower : bytes.IndexOf("</BODY>"u8);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
