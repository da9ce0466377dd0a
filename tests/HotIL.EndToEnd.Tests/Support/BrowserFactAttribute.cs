namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// A test that drives Chromium. Where /usr/bin/chromium is missing it is skipped, saying why, and never passes silently;
/// under CI (CI=true), where .ci/run installs the browser, it runs and fails instead.
/// </summary>
internal sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"needs Chromium at {Chromium.Executable}, which is not installed: apt-get install chromium (.ci/run installs it)";
    }
}
