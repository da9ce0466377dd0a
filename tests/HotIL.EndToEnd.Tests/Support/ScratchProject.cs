namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// A copy of one of the test apps in a temporary folder outside the repository, using HotIL from
/// this repository's sources. Tests edit its files freely; the folder is deleted afterwards.
/// </summary>
internal sealed class ScratchProject : IDisposable
{
    private readonly string _root;

    private ScratchProject(string directory, string name, string? root = null)
    {
        Directory = directory;
        Name = name;
        _root = root ?? directory;
    }

    /// <summary>Path of <paramref name="file"/> relative to the copied app's root (for multi-project apps).</summary>
    public string InRoot(string file) => Path.Combine(_root, file);

    public string Directory { get; }

    public string Name { get; }

    /// <summary>Copies <c>Apps/&lt;app&gt;</c> and writes a project file that imports HotIL unless UseHotIL=false.</summary>
    /// <param name="app">The folder under Apps.</param>
    /// <param name="sdk">The project's SDK (<c>Microsoft.NET.Sdk.Web</c> for an ASP.NET Core app).</param>
    public static ScratchProject Create(string app, string sdk = "Microsoft.NET.Sdk")
    {
        var directory = Path.Combine(Path.GetTempPath(), $"hotil-e2e-{app}-{Guid.NewGuid():N}"[..40]);
        System.IO.Directory.CreateDirectory(directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Apps", app)))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(directory, app + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <HotILRepoRoot>{Repository.Root}/</HotILRepoRoot>
              </PropertyGroup>
              <Import Project="$(HotILRepoRoot)eng/HotIL.InRepo.targets" Condition="'$(UseHotIL)' != 'false'" />
            </Project>
            """);
        return new ScratchProject(directory, app);
    }

    /// <summary>
    /// Copies the multi-project app <c>Apps/&lt;app&gt;</c> (its own project files, importing HotIL from
    /// this repository) and builds <paramref name="startProject"/> from it.
    /// </summary>
    public static ScratchProject CreateSolution(string app, string startProject)
    {
        var root = Path.Combine(Path.GetTempPath(), $"hotil-e2e-{app}-{Guid.NewGuid():N}"[..40]);
        var source = Path.Combine(AppContext.BaseDirectory, "Apps", app);
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"),
            $"<Project><PropertyGroup><HotILRepoRoot>{Repository.Root}/</HotILRepoRoot><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup></Project>");
        return new ScratchProject(Path.Combine(root, startProject), startProject, root);
    }

    public string OutputDirectory(string configuration) => Path.Combine(Directory, "bin", configuration, "net10.0");

    public string OutputAssembly(string configuration) => Path.Combine(OutputDirectory(configuration), Name + ".dll");

    public string Build(string configuration, params string[] properties)
    {
        var (exitCode, output) = DotnetCli.Default.Run(Directory, ["build", "-c", configuration, "-nologo", "-v:m", .. properties.Select(p => p.StartsWith('-') ? p : "-p:" + p)]);
        exitCode.Should().Be(0, $"the build should succeed:\n{output}");
        return output;
    }

    /// <summary>Starts the built program with <c>dotnet</c>; <paramref name="environment"/> is added to the CLI's (null removes a variable).</summary>
    public ChildProcess Start(string configuration, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments) =>
        DotnetCli.Default.Start(Directory, [OutputAssembly(configuration), .. arguments], environment);

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Rewrites a source file, replacing <paramref name="oldText"/> (which must be present) by <paramref name="newText"/>.</summary>
    public void Edit(string file, string oldText, string newText)
    {
        var path = Path.IsPathRooted(file) ? file : PathOf(file);
        var text = File.ReadAllText(path);
        text.Should().Contain(oldText);
        File.WriteAllText(path, text.Replace(oldText, newText));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
