namespace HotIL.Package.Tests.Support;

/// <summary>
/// A copy of one of the apps under <c>Apps/</c> in a temporary folder outside the repository, with a
/// nuget.config that knows only the feed under test. Its project files reference
/// <c>HotIL.MSBuild</c> at version <c>$(HotILVersion)</c>, replaced by the feed's version on copy.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private const string VersionPlaceholder = "$(HotILVersion)";
    private readonly LocalFeed _feed;

    private ConsumerProject(LocalFeed feed, string directory)
    {
        _feed = feed;
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>Copies <c>Apps/&lt;app&gt;</c> (with its subfolders) and writes the nuget.config.</summary>
    public static ConsumerProject Create(LocalFeed feed, string app)
    {
        var project = Empty(feed, app);
        var source = Path.Combine(AppContext.BaseDirectory, "Apps", app);
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(project.Directory, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(file).Replace(VersionPlaceholder, feed.Version, StringComparison.Ordinal));
        }
        return project;
    }

    /// <summary>A folder with only the nuget.config, for tests that start as a person would (dotnet new).</summary>
    public static ConsumerProject Empty(LocalFeed feed, string name)
    {
        var directory = Path.Combine(feed.Root, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), feed.NuGetConfig);
        return new ConsumerProject(feed, directory);
    }

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    public string OutputDirectory(string project, string configuration) => PathOf($"{project}/bin/{configuration}/net10.0");

    public string OutputAssembly(string project, string configuration) => Path.Combine(OutputDirectory(project, configuration), project + ".dll");

    /// <summary>Runs a dotnet command in this folder with the feed's environment; fails the test if it fails.</summary>
    public string Dotnet(params string[] arguments) => Cli.Succeed(Directory, arguments, _feed.BuildEnvironment);

    /// <summary>Builds <paramref name="project"/> (a folder name) and returns the build's output.</summary>
    public string Build(string project, string configuration, params string[] properties) =>
        Dotnet(["build", project, "-c", configuration, "-nologo", .. properties]);

    /// <summary>Starts the built <paramref name="project"/> with <c>dotnet</c>; <paramref name="environment"/> is added to the CLI's (null removes a variable).</summary>
    public ChildProcess Start(string project, string configuration, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        Cli.Dotnet.Start(Directory, [OutputAssembly(project, configuration), .. arguments], environment);

    /// <summary>Rewrites a file, replacing <paramref name="oldText"/> (which must be present) by <paramref name="newText"/>.</summary>
    public void Edit(string relativePath, string oldText, string newText)
    {
        var path = PathOf(relativePath);
        var text = File.ReadAllText(path);
        text.Should().Contain(oldText);
        File.WriteAllText(path, text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
