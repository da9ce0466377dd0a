namespace Ticker;

// Named by [assembly: MetadataUpdateHandler]: prints each call the way a UI framework would react to it.
internal static class UpdateLog
{
    public static void ClearCache(Type[]? types) => Console.WriteLine("handler=ClearCache types=" + Names(types));

    public static void UpdateApplication(Type[]? types) => Console.WriteLine("handler=UpdateApplication types=" + Names(types));

    private static string Names(Type[]? types) => types == null ? "null" : string.Join(",", types.Select(t => t.FullName).Order());
}
