using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace HotIL.RealWorld.Tests.Drivers;

/// <summary>
/// Compiles C# deterministically with this side's Roslyn and returns what it produced. Runs inside a
/// <c>Side</c>; only framework types cross: <c>[byte[] image, byte[] pdb, string diagnostics, double milliseconds]</c>.
/// </summary>
public static class RoslynDriver
{
    /// <param name="assemblyName">Name of the assembly to build.</param>
    /// <param name="paths">Source paths (recorded in the PDB), parallel to <paramref name="sources"/>.</param>
    /// <param name="sources">Source texts.</param>
    /// <param name="referencePaths">Metadata references from files.</param>
    /// <param name="referenceImages">Metadata references from memory (e.g. an assembly compiled just before).</param>
    /// <param name="optimize">Release rather than Debug.</param>
    /// <param name="concurrent">Whether Roslyn may compile on several threads.</param>
    public static object[] Compile(string assemblyName, string[] paths, string[] sources, string[] referencePaths, byte[][] referenceImages,
        bool optimize, bool concurrent)
    {
        var clock = Stopwatch.StartNew();
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: ["RELEASE", "NET", "NET10_0"]);
        var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parse, paths[i], System.Text.Encoding.UTF8)).ToArray();
        var references = referencePaths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Concat(referenceImages.Select(image => MetadataReference.CreateFromImage(image)));
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
            allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable, deterministic: true, concurrentBuild: concurrent,
            specificDiagnosticOptions: [new("CS1591", ReportDiagnostic.Suppress)]);
        var compilation = CSharpCompilation.Create(assemblyName, trees, references, options);
        var image = new MemoryStream();
        var pdb = new MemoryStream();
        var result = compilation.Emit(image, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        // A concurrent build reports diagnostics in the order its threads finish: sort them.
        var diagnostics = string.Join("\n", result.Diagnostics.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        return [image.ToArray(), pdb.ToArray(), (result.Success ? "" : "FAILED\n") + diagnostics, elapsed];
    }
}
