using System.Reflection;
using System.Runtime.CompilerServices;
using HotIL.Reporting;

namespace HotIL.Handlers;

/// <summary>
/// Calls the handlers that assemblies declare with
/// <c>[assembly: System.Reflection.Metadata.MetadataUpdateHandler(typeof(T))]</c>, the way .NET's own
/// Hot Reload does: every static <c>ClearCache(Type[]?)</c> first, then every static
/// <c>UpdateApplication(Type[]?)</c>, each with the types the reload changed; handlers of an assembly
/// run before those of the assemblies that reference it. So libraries that react to Hot Reload
/// (caches of reflection data, UI frameworks) react to HotIL too.
/// </summary>
internal static class MetadataUpdateHandlers
{
    private const string AttributeName = "System.Reflection.Metadata.MetadataUpdateHandlerAttribute";
    private static readonly ConditionalWeakTable<Assembly, Handler[]> Declared = new();

    /// <summary>One handler type and the two methods it may have.</summary>
    internal sealed record Handler(Type Type, MethodInfo? ClearCache, MethodInfo? UpdateApplication);

    /// <summary>Calls every handler of every loaded assembly; a handler that throws is reported and the others still run.</summary>
    /// <param name="updatedTypes">The types the reload changed.</param>
    /// <param name="report">Receives handler failures, malformed handlers and one line per reload naming the calls.</param>
    public static void Notify(Type[] updatedTypes, Action<MessageKind, string> report)
    {
        var handlers = InDependencyOrder(AppDomain.CurrentDomain.GetAssemblies())
            .SelectMany(a => HandlersOf(a, report))
            .ToArray();
        var called = new List<string>();
        foreach (var handler in handlers) Call(handler.ClearCache, handler.Type, updatedTypes, called, report);
        foreach (var handler in handlers) Call(handler.UpdateApplication, handler.Type, updatedTypes, called, report);
        if (called.Count > 0) report(RuntimeMessages.UpdateHandlerCalled, DescribeCalls(called, updatedTypes.Length));
    }

    // One line per reload (a web app calls a dozen handlers, some named by several assemblies): each method once,
    // in call order, with how often it ran when that was more than once.
    internal static string DescribeCalls(IReadOnlyList<string> called, int updatedTypes)
    {
        var methods = called.GroupBy(c => c, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (x{g.Count()})");
        return $"called update handlers with {updatedTypes} updated {(updatedTypes == 1 ? "type" : "types")}: {string.Join(", ", methods)}";
    }

    /// <summary>The handlers <paramref name="assembly"/> declares, cached: attributes never change, and a malformed one is reported once.</summary>
    internal static Handler[] HandlersOf(Assembly assembly, Action<MessageKind, string> report) =>
        Declared.GetValue(assembly, a => Discover(a, report));

    internal static Handler[] Discover(Assembly assembly, Action<MessageKind, string> report)
    {
        var handlers = new List<Handler>();
        foreach (var attribute in assembly.GetCustomAttributesData().Where(a => a.AttributeType.FullName == AttributeName))
        {
            if (attribute.ConstructorArguments is not [{ Value: Type type }]) continue;
            var handler = new Handler(type, Find(type, "ClearCache"), Find(type, "UpdateApplication"));
            if (handler.ClearCache == null && handler.UpdateApplication == null)
                report(RuntimeMessages.UpdateHandlerWithoutMethods,
                    $"{type.FullName}, named by [MetadataUpdateHandler] in {assembly.GetName().Name}, has neither a static ClearCache(Type[]) nor a static UpdateApplication(Type[]) method");
            else handlers.Add(handler);
        }
        return [.. handlers];
    }

    private static MethodInfo? Find(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(Type[])]);

    private static void Call(MethodInfo? method, Type handler, Type[] updatedTypes, List<string> called, Action<MessageKind, string> report)
    {
        if (method == null) return;
        called.Add($"{handler.FullName}.{method.Name}");
        try
        {
            method.Invoke(null, [updatedTypes]);
        }
        catch (TargetInvocationException e)
        {
            report(RuntimeMessages.UpdateHandlerThrew, $"{handler.FullName}.{method.Name} threw: {e.InnerException ?? e}");
        }
    }

    // Collectible assemblies are HotIL's own patches: compiled from the same sources, they repeat the
    // program's attributes, and the program's handler types already run the newest code through their slots.
    private static IEnumerable<Assembly> InDependencyOrder(Assembly[] assemblies)
    {
        var byName = assemblies.Where(a => !a.IsCollectible && !a.IsDynamic)
            .GroupBy(a => a.GetName().Name ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ordered = new List<Assembly>();
        var visited = new HashSet<Assembly>();
        foreach (var assembly in byName.Values) Visit(assembly, byName, visited, ordered);
        return ordered;
    }

    private static void Visit(Assembly assembly, Dictionary<string, Assembly> byName, HashSet<Assembly> visited, List<Assembly> ordered)
    {
        if (!visited.Add(assembly)) return;
        foreach (var reference in assembly.GetReferencedAssemblies())
            if (reference.Name != null && byName.TryGetValue(reference.Name, out var dependency)) Visit(dependency, byName, visited, ordered);
        ordered.Add(assembly);
    }
}
