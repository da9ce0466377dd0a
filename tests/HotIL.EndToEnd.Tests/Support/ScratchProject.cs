namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// A copy of one of the test apps in a temporary folder outside the repository, using HotIL from
/// this repository's sources. Tests edit its files freely; the folder is deleted afterwards.
/// </summary>
internal sealed class ScratchProject : IDisposable
{
    private ScratchProject(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    public string Name { get; }

    /// <summary>Copies <c>Apps/&lt;app&gt;</c> and writes a project file that imports HotIL unless UseHotIL=false.</summary>
    public static ScratchProject Create(string app)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"hotil-e2e-{app}-{Guid.NewGuid():N}"[..40]);
        System.IO.Directory.CreateDirectory(directory);
        foreach (var file in System.IO.Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Apps", app)))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(directory, app + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <HotILRepoRoot>{Dotnet.RepositoryRoot}/</HotILRepoRoot>
              </PropertyGroup>
              <Import Project="$(HotILRepoRoot)eng/HotIL.InRepo.targets" Condition="'$(UseHotIL)' != 'false'" />
            </Project>
            """);
        return new ScratchProject(directory, app);
    }

    public string OutputDirectory(string configuration) => Path.Combine(Directory, "bin", configuration, "net10.0");

    public string OutputAssembly(string configuration) => Path.Combine(OutputDirectory(configuration), Name + ".dll");

    public string Build(string configuration, params string[] properties)
    {
        var (exitCode, output) = Dotnet.Run(Directory, ["build", "-c", configuration, "-nologo", "-v:m", .. properties.Select(p => p.StartsWith('-') ? p : "-p:" + p)]);
        exitCode.Should().Be(0, $"the build should succeed:\n{output}");
        return output;
    }

    public RunningProgram Start(string configuration) => RunningProgram.Start(Directory, OutputAssembly(configuration));

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Rewrites a source file, replacing <paramref name="oldText"/> (which must be present) by <paramref name="newText"/>.</summary>
    public void Edit(string file, string oldText, string newText)
    {
        var path = PathOf(file);
        var text = File.ReadAllText(path);
        text.Should().Contain(oldText);
        File.WriteAllText(path, text.Replace(oldText, newText));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
