using System.Collections.Concurrent;
using HotIL.Compilation;
using HotIL.Weaver;
using HotIL.Watching;

namespace HotIL.Tests;

/// <summary>
/// How a save becomes the set of edits to compile: the watcher reports the source paths a burst of saves touched,
/// and only those are read again; when it loses track, every file is compared.
/// </summary>
public sealed class SourceChangeTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("hotil-sources-").FullName;

    [Fact]
    public void Touched_paths_are_the_only_files_compared_and_still_bring_in_added_and_deleted_files()
    {
        var (a, b) = (Path.Combine(_project, "A.cs"), Path.Combine(_project, "B.cs"));
        File.WriteAllText(a, "class A { }");
        File.WriteAllText(b, "class B { }");
        var compiler = Compiler(a, b);
        var sources = new SourceSet(_project, compiler.SourcePaths, DateTime.UtcNow);
        File.WriteAllText(a, "class A { int _x; }");
        File.WriteAllText(b, "class B { int _y; }");

        sources.Changes(compiler, [a]).Keys.Should().Equal(a);
        sources.Changes(compiler).Keys.Should().BeEquivalentTo([a, b], "without touched paths every file is compared");

        compiler.Update(a, File.ReadAllText(a));
        compiler.Update(b, File.ReadAllText(b));
        var c = Path.Combine(_project, "Sub", "C.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(c)!);
        File.WriteAllText(c, "class C { }");
        File.Delete(b);

        var changes = sources.Changes(compiler, [b, c, Path.Combine(_project, "Sub", ".", "C.cs")]);
        changes.Should().BeEquivalentTo(new Dictionary<string, string?> { [b] = null, [c] = "class C { }" });
    }

    [Fact]
    public void The_watcher_reports_the_sources_a_save_touched_and_reports_losing_track_when_a_project_folder_is_renamed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_project, "Folder")).FullName;
        var file = Path.Combine(folder, "Rules.cs");
        File.WriteAllText(file, "class Rules { }");
        var reports = new BlockingCollection<IReadOnlyCollection<string>?>();
        var sources = new SourceSet(_project, [file], DateTime.UtcNow);
        using var watcher = new SourceWatcher(_project, sources.IsSource, sources.IsProjectPath, reports.Add);

        File.WriteAllText(file, "class Rules { int _x; }");
        File.WriteAllText(Path.Combine(_project, "notes.txt"), "not a source");
        reports.TryTake(out var touched, TimeSpan.FromSeconds(10)).Should().BeTrue("a save is reported");
        touched.Should().Equal(file);

        // A build renaming its own folders is not a change of sources.
        Directory.CreateDirectory(Path.Combine(_project, "obj", "tmp"));
        Directory.Move(Path.Combine(_project, "obj", "tmp"), Path.Combine(_project, "obj", "done"));
        while (reports.TryTake(out var late, TimeSpan.FromMilliseconds(500)))
            late.Should().NotBeNull("folders under obj/ are build output, and renaming one loses track of nothing");

        Directory.Move(folder, Path.Combine(_project, "Renamed"));
        // A straggling event of the save may come first; the rename must end in a report that lost track.
        var lostTrack = false;
        while (!lostTrack && reports.TryTake(out var report, TimeSpan.FromSeconds(10)))
            lostTrack = report == null;
        lostTrack.Should().BeTrue("the sources a renamed folder moved raise no events of their own, so every file must be compared");
    }

    private ProjectCompiler Compiler(params string[] files) => new(new Manifest
    {
        AssemblyName = "P", ProjectDirectory = _project, Slots = [],
        CompilerArguments = ["/target:library", "/out:P.dll", $"/reference:{typeof(object).Assembly.Location}", .. files],
    }, _ => { });

    public void Dispose() => Directory.Delete(_project, recursive: true);
}
