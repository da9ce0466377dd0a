namespace HotIL.Testing;

/// <summary>The HotIL clone the running assembly was built in.</summary>
public static class Repository
{
    private static readonly Lazy<string?> Found = new(FindRoot);

    /// <summary>The folder holding HotIL.sln above the running assembly; throws when there is none.</summary>
    public static string Root => Found.Value ?? throw new InvalidOperationException("HotIL.sln not found above " + AppContext.BaseDirectory);

    /// <summary>The folder holding HotIL.sln above the running assembly, or null when it runs from elsewhere.</summary>
    public static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HotIL.sln"))) return dir.FullName;
        return null;
    }
}
