using System.Diagnostics;
using HotIL.Tests.Support;

namespace HotIL.Tests;

/// <summary>Frames of reloaded code carry the source's method names and lines: logging, exception filters and tests compare them.</summary>
public class StackTraceTests
{
    private const string Source = """
        namespace S;
        public static class Thrower
        {
            public static void Fail() => throw new System.InvalidOperationException("v1");
            public static void Run() => Fail();
            public static void Other() { }
        }
        public class Worker
        {
            public void Work(int n) { if (n > 0) throw new System.InvalidOperationException("w1"); }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Frames_of_changed_added_and_new_members_have_the_source_names_and_lines(bool optimize)
    {
        var p = new LiveProgram(Source, optimize);
        var worker = p.New("S.Worker");
        var edited = Source.Replace("\"v1\"", "\"v2\"").Replace("\"w1\"", "\"w2\"")
            .Replace("public static void Run() => Fail();", "public static void Run() => Deeper(); static void Deeper() => Fail();")
            + "public class Added { public void Go() => throw new System.InvalidOperationException(\"a1\"); }\n"
            ;
        edited = edited.Replace("public static void Other() { }", "public static void Other() => new Added().Go();");
        p.Edit(edited, optimize).RudeEdits.Should().BeEmpty();

        // Optimized code inlines small callers away; unoptimized code shows the replaced method's own frame, which
        // called its new body, under the same name.
        Frames(() => p.Call("S.Thrower", "Run")).Should().StartWith("Fail").And.BeSubsetOf(["Fail", "Deeper", "Run"]);
        Frames(() => p.CallOn(worker, "Work", 1)).Should().StartWith("Work").And.OnlyContain(n => n == "Work");
        Frames(() => p.Call("S.Thrower", "Other")).Should().StartWith("Go").And.BeSubsetOf(["Go", "Other"]);

        var trace = Catch(() => p.Call("S.Thrower", "Run")).StackTrace!;
        trace.Should().Contain("at S.Thrower.Fail(").And.Contain("/src/Sample.cs:line 4").And.NotContain(Weaver.ImplNaming.Marker);
    }

    // The names of the frames of user code (namespace S), innermost first.
    private static List<string> Frames(Action call) =>
        new StackTrace(Catch(call), fNeedFileInfo: true).GetFrames()
            .Select(f => f.GetMethod())
            .Where(m => m?.DeclaringType?.Namespace == "S")
            .Select(m => m!.Name)
            .ToList();

    private static Exception Catch(Action call)
    {
        try { call(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("no exception");
    }
}
