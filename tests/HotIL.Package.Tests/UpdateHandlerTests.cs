using System.Reflection.Metadata;
using HotIL.Package.Tests;
using HotIL.Reporting;

[assembly: MetadataUpdateHandler(typeof(UpdateHandlerTests.FirstHandler))]
[assembly: MetadataUpdateHandler(typeof(UpdateHandlerTests.ThrowingHandler))]
[assembly: MetadataUpdateHandler(typeof(UpdateHandlerTests.SecondHandler))]
[assembly: MetadataUpdateHandler(typeof(UpdateHandlerTests.HandlerWithoutMethods))]

namespace HotIL.Package.Tests;

/// <summary>HotIL calls .NET's <c>MetadataUpdateHandler</c> handlers as .NET's Hot Reload does (in process).</summary>
public sealed class UpdateHandlerTests
{
    private static readonly List<string> Calls = [];

    [Fact]
    public void Every_ClearCache_runs_before_any_UpdateApplication_each_with_the_changed_types_and_a_throwing_handler_is_reported()
    {
        var reports = new List<(MessageKind Kind, string Text)>();
        lock (Calls)
        {
            Calls.Clear();
            MetadataUpdateHandlers.Notify([typeof(UpdateHandlerTests), typeof(string)], (kind, text) => reports.Add((kind, text)));

            Calls.Should().Equal(
                "First.ClearCache UpdateHandlerTests,String",
                "Throwing.ClearCache",
                "Second.ClearCache UpdateHandlerTests,String",
                "First.UpdateApplication UpdateHandlerTests,String",
                "Second.UpdateApplication UpdateHandlerTests,String");
        }
        reports.Should().ContainSingle(r => r.Kind == RuntimeMessages.UpdateHandlerThrew)
            .Which.Text.Should().Contain("ThrowingHandler.ClearCache threw: System.InvalidOperationException: broken cache");
    }

    [Fact]
    public void Handler_type_with_neither_method_is_reported_as_HOTIL3006_and_skipped()
    {
        var reports = new List<(MessageKind Kind, string Text)>();

        var handlers = MetadataUpdateHandlers.Discover(typeof(UpdateHandlerTests).Assembly, (kind, text) => reports.Add((kind, text)));

        handlers.Select(h => h.Type).Should().Equal(typeof(FirstHandler), typeof(ThrowingHandler), typeof(SecondHandler));
        reports.Should().ContainSingle().Which.Kind.Id.Should().Be("HOTIL3006");
    }

    internal static class FirstHandler
    {
        public static void ClearCache(Type[]? types) => Record("First.ClearCache", types);

        public static void UpdateApplication(Type[]? types) => Record("First.UpdateApplication", types);
    }

    internal static class ThrowingHandler
    {
        public static void ClearCache(Type[]? types)
        {
            Record("Throwing.ClearCache", null);
            throw new InvalidOperationException("broken cache");
        }
    }

    internal static class SecondHandler
    {
        private static void ClearCache(Type[]? types) => Record("Second.ClearCache", types);

        private static void UpdateApplication(Type[]? types) => Record("Second.UpdateApplication", types);
    }

    internal static class HandlerWithoutMethods;

    // Only calls made while a test holds the lock are of interest; HotIL's other tests may reload too.
    private static void Record(string call, Type[]? types)
    {
        if (!Monitor.IsEntered(Calls)) return;
        Calls.Add(types == null ? call : $"{call} {string.Join(',', types.Select(t => t.Name))}");
    }
}
