using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace HotIL.Compilation;

/// <summary>
/// Loads source generators named on the build's command line into their own context, so their
/// private dependencies cannot clash with the program's; Roslyn itself resolves to the copy the
/// program already loaded.
/// </summary>
internal sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
{
    private readonly Dictionary<string, string> _locations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Context _context;

    public AnalyzerLoader() => _context = new Context(_locations);

    public void AddDependencyLocation(string fullPath)
    {
        lock (_locations) _locations[Path.GetFileNameWithoutExtension(fullPath)] = fullPath;
    }

    public Assembly LoadFromPath(string fullPath)
    {
        AddDependencyLocation(fullPath);
        return _context.LoadFromAssemblyPath(fullPath);
    }

    private sealed class Context(Dictionary<string, string> locations) : AssemblyLoadContext("HotIL.SourceGenerators")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is null || name.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)) return null;
            string? path;
            lock (locations) locations.TryGetValue(name.Name, out path);
            return path != null && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
