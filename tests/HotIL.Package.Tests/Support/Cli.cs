namespace HotIL.Package.Tests.Support;

/// <summary>The dotnet CLI as the package tests run it.</summary>
internal static class Cli
{
    /// <summary>
    /// <see cref="DotnetCli.Default"/> without first-run text, and without the developer's HotIL verbosity or MSBuild
    /// location settings: a test controls these itself, and they must not leak in. (NuGet's package folder is the
    /// feed's own, set per command by <see cref="LocalFeed.BuildEnvironment"/>, so nothing stale is served from the
    /// machine's cache.)
    /// </summary>
    public static DotnetCli Dotnet { get; } = DotnetCli.Default.With(new Dictionary<string, string?>
    {
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["HOTIL_VERBOSITY"] = null,
        ["MSBuildExtensionsPath"] = null,
        ["MSBUILD_EXE_PATH"] = null,
        ["MSBuildSDKsPath"] = null,
    });

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>, failing the test with the output when the command fails.</summary>
    public static string Succeed(string workingDirectory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (exitCode, output) = Dotnet.Run(workingDirectory, arguments, environment);
        exitCode.Should().Be(0, $"dotnet {string.Join(' ', arguments)} should succeed:\n{output}");
        return output;
    }
}
