using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace HotIL.Tests.Support;

/// <summary>Compiles C# source into an assembly image and its portable PDB, as a build would.</summary>
internal static class TestCompiler
{
    private static readonly MetadataReference[] References =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "HotIL.Runtime.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToArray();

    public static (byte[] Assembly, byte[] Pdb) Compile(string assemblyName, string source, bool optimize = false, string path = "/src/Sample.cs",
        OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path, System.Text.Encoding.UTF8);
        var options = new CSharpCompilationOptions(kind,
            optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
            allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable, deterministic: true);
        var compilation = CSharpCompilation.Create(assemblyName, [tree], References, options);
        var pe = new MemoryStream();
        var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
            throw new InvalidOperationException("test source does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return (pe.ToArray(), pdb.ToArray());
    }
}
