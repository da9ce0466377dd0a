using System.Text;
using System.Text.Json;

namespace HotIL.AspNetCore;

/// <summary>One server-sent event to open pages: what happened (<see cref="Event"/>) and its data as JSON.</summary>
internal sealed record PageMessage(string Event, string Json)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static PageMessage Of(string @event, object data) => new(@event, JsonSerializer.Serialize(data, Options));

    /// <summary>The event as the text/event-stream format frames it.</summary>
    public byte[] Frame() => Encoding.UTF8.GetBytes($"event: {Event}\ndata: {Json}\n\n");
}

/// <summary>
/// What a page shows over its content until the next reload clears it: an edit that was not applied (<c>error</c>),
/// or edits that take effect only after a restart (<c>notice</c>).
/// </summary>
/// <param name="Kind"><c>error</c> or <c>notice</c>.</param>
/// <param name="Title">The reload line, as HotIL prints it.</param>
/// <param name="Lines">The diagnostics, each <c>file(line,col): severity ID: message</c>.</param>
internal sealed record PageReport(string Kind, string Title, IReadOnlyList<string> Lines)
{
    /// <summary>What a page should show after <paramref name="result"/>, or null for nothing.</summary>
    public static PageReport? Of(ReloadResult result) => result.Status switch
    {
        ReloadStatus.CompileFailed or ReloadStatus.Rejected or ReloadStatus.Failed => new("error", result.ToString(), result.Diagnostics),
        _ when result.NeedRestart.Count > 0 => new("notice", result.ToString(), result.Diagnostics),
        _ => null,
    };
}
