namespace HotIL.Reporting;

/// <summary>
/// The file HotIL writes its lines to instead of standard error, where a full-screen program would draw over them:
/// the <c>HOTIL_LOG_FILE</c> environment variable for one run (a relative path is taken from the working directory),
/// else the build's <c>HotILLogFile</c> (runtimeconfig.json option <c>HotIL.LogFile</c>, which the build makes
/// absolute against the project directory). Lines are appended and flushed one by one, so the file can be followed
/// (<c>tail -f</c>) while the program runs.
/// </summary>
internal sealed class LogFile
{
    /// <summary>The runtimeconfig.json option the build writes from <c>$(HotILLogFile)</c>.</summary>
    public const string AppContextKey = "HotIL.LogFile";

    /// <summary>The environment variable that overrides the build's setting for one run.</summary>
    public const string EnvironmentVariable = "HOTIL_LOG_FILE";

    private LogFile(string path, TextWriter? writer, string? problem)
    {
        Path = path;
        Writer = writer;
        Problem = problem;
    }

    /// <summary>The file's full path (or the configured text, when it is not a usable path).</summary>
    public string Path { get; }

    /// <summary>The open file, safe to write from several threads; null when it could not be opened.</summary>
    public TextWriter? Writer { get; }

    /// <summary>Why the file could not be opened, or null.</summary>
    public string? Problem { get; }

    /// <summary>The configured log file, opened for appending (its folder created if need be); null when none is configured.</summary>
    public static LogFile? OpenConfigured()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : AppContext.GetData(AppContextKey) as string;
        return string.IsNullOrWhiteSpace(configured) ? null : Open(configured.Trim());
    }

    private static LogFile Open(string configured)
    {
        try
        {
            var path = System.IO.Path.GetFullPath(configured);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            // Shared for reading and deleting: the user follows, truncates or removes it while the program runs.
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return new LogFile(path, TextWriter.Synchronized(new StreamWriter(stream) { AutoFlush = true }), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new LogFile(configured, null, e.Message);
        }
    }
}
