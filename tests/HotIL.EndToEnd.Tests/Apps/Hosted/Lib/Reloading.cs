namespace Lib;

// The library is woven (HOTIL is defined), the host is not: the library is where reloads are asked for.
public static class Reloading
{
#if HOTIL
    public static string Now() =>
        string.Join(",", HotIL.HotReload.ReloadAsync().GetAwaiter().GetResult().Select(r => $"{r.Assembly}:{r.Status}"));
#else
    public static string Now() => "not woven";
#endif
}
