using System.Reflection.Metadata;
using HotIL.Package.Tests;
using HotIL.Reporting;
using HotIL.Handlers;

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
    public void One_HOTIL4008_line_per_reload_names_every_handler_called_in_call_order()
    {
        var reports = new List<(MessageKind Kind, string Text)>();

        MetadataUpdateHandlers.Notify([typeof(UpdateHandlerTests)], (kind, text) => reports.Add((kind, text)));

        const string Prefix = "HotIL.Package.Tests.UpdateHandlerTests+";
        var line = reports.Should().ContainSingle(r => r.Kind == RuntimeMessages.UpdateHandlerCalled, "a reload reports its handler calls on one line").Which.Text;
        line.Should().StartWith("called update handlers with 1 updated type: ")
            .And.Contain($"{Prefix}FirstHandler.ClearCache, {Prefix}ThrowingHandler.ClearCache, {Prefix}SecondHandler.ClearCache")
            .And.Contain($"{Prefix}FirstHandler.UpdateApplication, {Prefix}SecondHandler.UpdateApplication");
        line.IndexOf($"{Prefix}SecondHandler.ClearCache", StringComparison.Ordinal).Should()
            .BeLessThan(line.IndexOf($"{Prefix}FirstHandler.UpdateApplication", StringComparison.Ordinal), "every ClearCache runs before any UpdateApplication");
    }

    [Fact]
    public void A_handler_method_called_several_times_in_one_reload_is_named_once_with_its_count()
    {
        MetadataUpdateHandlers.DescribeCalls(["Web.Cache.ClearCache", "Web.Routes.ClearCache", "Web.Cache.ClearCache", "Web.Cache.ClearCache", "Web.Routes.UpdateApplication"], 2)
            .Should().Be("called update handlers with 2 updated types: Web.Cache.ClearCache (x3), Web.Routes.ClearCache, Web.Routes.UpdateApplication");
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
