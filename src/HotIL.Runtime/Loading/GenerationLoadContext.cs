using System.Reflection;
using System.Runtime.Loader;

namespace HotIL.Loading;

/// <summary>
/// The collectible context one patch is loaded into. A patch's references to the program and to
/// earlier patches resolve to the assemblies already loaded, never to fresh copies, so live
/// objects keep their type identity. McMaster.NETCore.Plugins was measured and rejected for this
/// job (docs/decisions/0001-patch-load-context.md).
/// </summary>
internal sealed class GenerationLoadContext : AssemblyLoadContext
{
    private readonly IReadOnlyDictionary<string, Assembly> _loaded;
    private readonly AssemblyLoadContext _programContext;

    /// <param name="name">The patch assembly's name.</param>
    /// <param name="loaded">The program's assembly and earlier patches by simple name; never this context's own
    /// assembly, which would keep the context alive forever.</param>
    /// <param name="programContext">The context the woven program lives in.</param>
    public GenerationLoadContext(string name, IReadOnlyDictionary<string, Assembly> loaded, AssemblyLoadContext programContext)
        : base(name, isCollectible: true)
    {
        _loaded = loaded;
        _programContext = programContext;
    }

    /// <summary>Loads the patch image and its PDB (for file:line in stack traces).</summary>
    public Assembly Load(byte[] assembly, byte[] pdb) => LoadFromStream(new MemoryStream(assembly), new MemoryStream(pdb));

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name != null && _loaded.TryGetValue(name.Name, out var assembly)) return assembly;
        return _programContext == Default ? null : _programContext.LoadFromAssemblyName(name);
    }
}
