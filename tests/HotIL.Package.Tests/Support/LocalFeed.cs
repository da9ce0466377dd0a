namespace HotIL.Package.Tests.Support;

/// <summary>
/// The two packages, packed once per test run from what this run built (<c>dotnet pack --no-build</c>)
/// into a temporary folder feed, with a version no earlier run used. Consumers restore from that feed
/// into their own package folder, so NuGet's global cache can never serve a stale HotIL.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    public LocalFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "hotil-feed-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(FeedDirectory);
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        foreach (var project in new[] { "src/HotIL.MSBuild/HotIL.MSBuild.csproj", "src/HotIL.Runtime/HotIL.Runtime.csproj" })
            Cli.Succeed(Repository.Root, ["pack", project, "-c", "Release", "--no-build", "-nologo",
                $"-p:PackageVersion={Version}", "-o", FeedDirectory]);
    }

    /// <summary>Holds the feed, the consumers' package folder and the consumer projects.</summary>
    public string Root { get; }

    public string FeedDirectory => Path.Combine(Root, "feed");

    /// <summary>NuGet's package folder for every consumer build (NUGET_PACKAGES).</summary>
    public string PackagesDirectory => Path.Combine(Root, "packages");

    /// <summary>The packages' version, unique to this run.</summary>
    public string Version { get; }

    public string PackagePath(string id) => Path.Combine(FeedDirectory, $"{id}.{Version}.nupkg");

    /// <summary>Environment for consumer builds: restore into this feed's own package folder.</summary>
    public IReadOnlyDictionary<string, string?> BuildEnvironment => new Dictionary<string, string?> { ["NUGET_PACKAGES"] = PackagesDirectory };

    /// <summary>
    /// A nuget.config that knows only this feed: the test never reaches a remote source, and a consumer
    /// in a temporary folder inherits nothing from the repository.
    /// </summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="hotil-under-test" value="{FeedDirectory}" />
          </packageSources>
        </configuration>
        """;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Every test that builds consumers shares one feed and runs one at a time (2 cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsumerCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "consumers";
}
