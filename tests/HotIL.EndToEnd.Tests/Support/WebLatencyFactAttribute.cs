namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// The save → browser latency measurement beside dotnet watch (docs/performance.md): minutes long, so it runs only when
/// asked for (HOTIL_WEB_LATENCY=1) and where Chromium is installed, and is reported as skipped, with the reason, otherwise.
/// </summary>
internal sealed class WebLatencyFactAttribute : FactAttribute
{
    public WebLatencyFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HOTIL_WEB_LATENCY") != "1")
            Skip = "measures save → browser latency beside dotnet watch for minutes; run with HOTIL_WEB_LATENCY=1";
        else if (!Chromium.IsInstalled)
            Skip = $"needs Chromium at {Chromium.Executable}: apt-get install chromium";
    }
}
