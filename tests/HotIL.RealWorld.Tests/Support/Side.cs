using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;

namespace HotIL.RealWorld.Tests.Support;

/// <summary>
/// One side of a comparison: a load context (collectible unless asked otherwise) holding either the woven or the original
/// copies of some subjects, plus its own copy of this test assembly, whose drivers (Drivers/) then bind
/// to those copies. Both sides load assemblies of the same names side by side; anything else (the
/// framework, HotIL.Runtime for generic slot holders) comes from the default context. Only framework
/// types cross the boundary: drivers take and return strings, arrays and numbers.
/// </summary>
internal sealed class Side : IDisposable
{
    private static readonly string DriverAssembly = typeof(Side).Assembly.GetName().Name!;

    // HOTIL_REALWORLD_COLLECTIBLE=0 keeps every side loaded until the process ends, to tell a failure of the code
    // under test from one of unloading large assemblies while others run (decision 0012).
    private static readonly bool CollectibleByDefault = Environment.GetEnvironmentVariable("HOTIL_REALWORLD_COLLECTIBLE") != "0";

    // HOTIL_REALWORLD_WEAVE=0 gives the "woven" side the Cecil-rewritten, unwoven images, so that a failure that still
    // shows cannot come from woven code anywhere in the process.
    private static readonly bool Weave = Environment.GetEnvironmentVariable("HOTIL_REALWORLD_WEAVE") != "0";
    private readonly LoadContext _context;

    private Side(string label, bool woven, IReadOnlyDictionary<string, (byte[] Image, byte[]? Pdb)> images, IEnumerable<string> privateFiles, bool collectible)
    {
        Label = label;
        IsWoven = woven;
        _context = new LoadContext(label, images, privateFiles.Append(DriverAssembly).ToHashSet(), collectible && CollectibleByDefault);
    }

    /// <summary>The woven copies of <paramref name="subjects"/>.</summary>
    public static Side Woven(params Subject[] subjects) => With(true, subjects);

    /// <summary>The shipped copies of <paramref name="subjects"/>.</summary>
    public static Side Original(params Subject[] subjects) => With(false, subjects);

    /// <summary>
    /// Like <see cref="Woven"/>/<see cref="Original"/>, and also loads its own copies of the named assemblies
    /// from the output folder (e.g. HotIL.Weaver, so that it runs on this side's Mono.Cecil).
    /// </summary>
    public static Side With(bool woven, IEnumerable<Subject> subjects, params string[] privateAssemblies) =>
        With(woven, subjects, collectible: true, privateAssemblies);

    /// <summary>Like <see cref="With(bool, IEnumerable{Subject}, string[])"/>; <paramref name="collectible"/> false keeps the side loaded until the process ends.</summary>
    public static Side With(bool woven, IEnumerable<Subject> subjects, bool collectible, params string[] privateAssemblies) =>
        new(woven ? "woven" : "original", woven,
            subjects.ToDictionary(s => s.Name, s => woven ? Weave ? (s.Woven, s.WovenPdb) : (s.Rewritten, null) : (s.Original, s.OriginalPdb)), privateAssemblies, collectible);

    /// <summary>
    /// The shipped copies of <paramref name="subjects"/> read and written by Cecil without weaving, the baseline
    /// for timing woven code: what Cecil's rewriting alone changes (e.g. dropping ReadyToRun code, where a package
    /// ships it) is not weaving's cost.
    /// </summary>
    public static Side Rewritten(IEnumerable<Subject> subjects, bool collectible, params string[] privateAssemblies) =>
        new("rewritten original", false, subjects.ToDictionary(s => s.Name, s => (s.Rewritten, (byte[]?)null)), privateAssemblies, collectible);

    public string Label { get; }

    public bool IsWoven { get; }

    public AssemblyLoadContext Context => _context;

    /// <summary>The assembly named <paramref name="name"/> as this side loads it.</summary>
    public Assembly Load(string name) => _context.LoadFromAssemblyName(new AssemblyName(name));

    /// <summary>Calls static <paramref name="method"/> of <paramref name="driverType"/> (a type in Drivers/) on this side.</summary>
    public T Call<T>(string driverType, string method, params object?[] args)
    {
        var type = Load(DriverAssembly).GetType("HotIL.RealWorld.Tests.Drivers." + driverType, throwOnError: true)!;
        var target = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
                     ?? throw new MissingMethodException(type.FullName, method);
        try
        {
            return (T)target.Invoke(null, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public void Dispose()
    {
        if (_context.IsCollectible) _context.Unload();
    }

    private sealed class LoadContext(string name, IReadOnlyDictionary<string, (byte[] Image, byte[]? Pdb)> images, HashSet<string> privateFiles, bool collectible)
        : AssemblyLoadContext(name, isCollectible: collectible)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var simple = assemblyName.Name!;
            if (images.TryGetValue(simple, out var image))
                return LoadFromStream(new MemoryStream(image.Image), image.Pdb == null ? null : new MemoryStream(image.Pdb));
            if (privateFiles.Contains(simple)) return LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, simple + ".dll"));
            return null;
        }
    }
}
