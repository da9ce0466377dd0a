using HotIL.RealWorld.Tests.Drivers;
using HotIL.Watching;

namespace HotIL.RealWorld.Tests.Support;

/// <summary>A compilation's inputs: sources and references, as plain data for a driver.</summary>
public sealed record SourceSet(string AssemblyName, string[] Paths, string[] Sources, string[] References)
{
    public int Lines => Sources.Sum(s => s.Count(c => c == '\n'));

    public object?[] CompileArguments(byte[][] referenceImages, bool optimize, bool concurrent) =>
        [AssemblyName, Paths, Sources, References, referenceImages, optimize, concurrent];
}

/// <summary>Source sets for the compiler tests: HotIL's own projects and generated code.</summary>
public static class SourceSets
{
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>The repository's root (where HotIL.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "HotIL.sln"))) return directory.FullName;
            throw new InvalidOperationException("HotIL.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every managed assembly of the shared framework this process runs on.</summary>
    public static string[] SharedFramework { get; } =
        Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The reference assemblies of the framework this test runs on (the targeting pack), as a build uses.</summary>
    // Declared after SharedFramework, which it falls back to, so that it is initialized after it.
    public static string[] Framework { get; } = FindFramework();

    private static string[] FindFramework()
    {
        var runtime = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var dotnetRoot = runtime.Parent!.Parent!.Parent!.FullName;
        var pack = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var candidates = Directory.Exists(pack)
            ? Directory.GetDirectories(pack).Select(d => Path.Combine(d, "ref", tfm)).Where(Directory.Exists).Order(StringComparer.Ordinal).ToArray()
            : [];
        // Without a targeting pack, the implementation assemblies serve as references.
        return candidates.Length > 0 ? Directory.GetFiles(candidates[^1], "*.dll").Order(StringComparer.Ordinal).ToArray() : SharedFramework;
    }

    /// <summary>src/HotIL.Weaver as its project compiles it.</summary>
    public static SourceSet Weaver() => Project("HotIL.Weaver", Cecil, ["HotIL.Tests", "HotIL.Runtime"]);

    /// <summary>src/HotIL.Runtime as its project compiles it (reference the compiled weaver as an image).</summary>
    public static SourceSet Runtime() =>
        Project("HotIL.Runtime", [.. Cecil, "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp"], ["HotIL.Tests", "HotIL.Package.Tests"]);

    // The Mono.Cecil package's assemblies, all of which a project referencing it compiles against.
    private static readonly string[] Cecil = ["Mono.Cecil", "Mono.Cecil.Rocks", "Mono.Cecil.Pdb", "Mono.Cecil.Mdb"];

    /// <summary><paramref name="files"/> generated files (about 400 lines each).</summary>
    public static SourceSet Generated(int files, ulong seed = 20250101)
    {
        var generated = CSharpCorpus.Generate(files, seed);
        return new SourceSet("Generated", generated.Select(g => g.Path).ToArray(), generated.Select(g => g.Text).ToArray(), Framework);
    }

    private static SourceSet Project(string name, string[] packageReferences, string[] internalsVisibleTo)
    {
        var directory = Path.Combine(RepositoryRoot, "src", name);
        var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsUnder(f, Path.Combine(directory, "obj")) && !IsUnder(f, Path.Combine(directory, "bin")))
            .Order(StringComparer.Ordinal)
            .ToList();
        var paths = files.Select(f => "/hotil/" + Path.GetRelativePath(RepositoryRoot, f).Replace('\\', '/')).ToList();
        var sources = files.Select(File.ReadAllText).ToList();
        paths.Add($"/hotil/src/{name}/obj/GlobalUsings.g.cs");
        sources.Add(ImplicitUsings);
        paths.Add($"/hotil/src/{name}/obj/AssemblyInfo.g.cs");
        sources.Add(string.Concat(internalsVisibleTo.Select(n => $"[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"{n}\")]\n")));
        var references = Framework.Concat(packageReferences.Select(Subjects.PathOf)).ToArray();
        return new SourceSet(name, paths.ToArray(), sources.ToArray(), references);
    }

    private static bool IsUnder(string file, string directory) =>
        file.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
