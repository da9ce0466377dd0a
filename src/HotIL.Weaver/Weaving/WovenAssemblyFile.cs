using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>What weaving a file reported, besides the <see cref="WeaveResult"/>.</summary>
internal sealed record FileWeaveOutcome(WeaveResult Result, IReadOnlyList<(string Id, string Message)> Warnings);

/// <summary>
/// Weaves an assembly file in place with its portable PDB (separate or embedded). The output is
/// built in memory and moved over the original only when complete, so a failure at any point
/// leaves the original files as they were.
/// </summary>
internal static class WovenAssemblyFile
{
    /// <summary>Weaves <paramref name="assemblyPath"/> and writes its manifest.</summary>
    /// <param name="assemblyPath">The compiler's output, e.g. <c>obj/Debug/net10.0/App.dll</c>.</param>
    /// <param name="manifestPath">Where the manifest goes; also baked into the module for the runtime to find.</param>
    /// <param name="manifestFor">Builds the manifest from the slots that weaving produced.</param>
    /// <param name="referencePaths">The assemblies the project was compiled against: reading an attribute whose argument is an
    /// enum of another assembly (ASP.NET Core's <c>[ResponseCache(Location = ...)]</c>) needs that assembly.</param>
    /// <exception cref="WeaveException">The assembly cannot be read, woven or written.</exception>
    public static FileWeaveOutcome Weave(string assemblyPath, string manifestPath, Func<WeaveResult, Manifest> manifestFor,
        IEnumerable<string>? referencePaths = null)
    {
        using var resolver = new DefaultAssemblyResolver();
        foreach (var directory in (referencePaths ?? []).Select(Path.GetDirectoryName).Distinct())
            if (!string.IsNullOrEmpty(directory)) resolver.AddSearchDirectory(directory);
        var warnings = new List<(string, string)>();
        var pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        var image = ReadBytes(assemblyPath);
        // Before Cecil: a corrupt size, count or reference can make its reader exhaust memory or the stack rather than throw.
        if (ImageValidation.FindProblem(image) is { } problem)
            throw new WeaveException(DiagnosticIds.UnreadableAssembly, $"the file is not a readable .NET assembly: {problem}; it was left unchanged");
        var (module, symbols) = Read(image, assemblyPath, pdbPath, warnings, resolver);
        try
        {
            return WeaveAndReplace(module, symbols, assemblyPath, pdbPath, manifestPath, manifestFor, warnings);
        }
        catch (WeaveException e) when (symbols != SymbolKind.None && e.Id == DiagnosticIds.WeavingFailed)
        {
            // Symbols are rewritten with the code, so corrupt scopes or sequence points can also fail the weave or the write.
            // Without them, a failure is the weaver's own and is reported as such.
            module.Dispose();
            warnings.Add(SymbolsNotUsed(assemblyPath, e.Message));
            module = WithoutSymbols(image, resolver);
            return WeaveAndReplace(module, SymbolKind.None, assemblyPath, pdbPath, manifestPath, manifestFor, warnings);
        }
        finally
        {
            module.Dispose();
        }
    }

    private static FileWeaveOutcome WeaveAndReplace(ModuleDefinition module, SymbolKind symbols, string assemblyPath, string pdbPath,
        string manifestPath, Func<WeaveResult, Manifest> manifestFor, List<(string, string)> warnings)
    {
        WeaveResult result;
        try
        {
            result = AssemblyWeaver.Weave(module, manifestPath);
        }
        catch (Exception e) when (e is not WeaveException)
        {
            throw new WeaveException(DiagnosticIds.WeavingFailed,
                $"weaving {assemblyPath} failed ({e.GetType().Name}: {e.Message}); the assembly was left unchanged", e);
        }
        if (result.AlreadyWoven) return new FileWeaveOutcome(result, warnings);

        var (dll, pdb) = WriteToMemory(module, symbols, assemblyPath);
        ReplaceAtomically(assemblyPath, dll, pdbPath, pdb);
        WriteAllTextAtomically(manifestPath, manifestFor(result).ToJson());
        return new FileWeaveOutcome(result, warnings);
    }

    private static (string, string) SymbolsNotUsed(string assemblyPath, string reason) =>
        (DiagnosticIds.SymbolsNotMatching, $"the debug symbols of {Path.GetFileName(assemblyPath)} could not be used ({reason}); woven without line information");

    private enum SymbolKind { None, File, Embedded }

    private static (ModuleDefinition, SymbolKind) Read(byte[] image, string assemblyPath, string pdbPath, List<(string, string)> warnings,
        IAssemblyResolver resolver)
    {
        var pdb = File.Exists(pdbPath) ? ReadBytes(pdbPath) : null;
        if (pdb != null && ImageValidation.FindPdbProblem(pdb) is { } pdbProblem)
        {
            warnings.Add(SymbolsNotUsed(assemblyPath, pdbProblem));
            return (WithoutSymbols(image, resolver), SymbolKind.None);
        }
        ModuleDefinition module;
        try
        {
            module = ReadModule(image, pdb, readSymbols: true, resolver);
        }
        catch (WeaveException e)
        {
            // Reading again without symbols tells whose fault it was: if the assembly is bad, that read throws.
            var bare = WithoutSymbols(image, resolver);
            warnings.Add(SymbolsNotUsed(assemblyPath, e.InnerException?.Message ?? e.Message));
            return (bare, SymbolKind.None);
        }
        var kind = !module.HasSymbols ? SymbolKind.None
            : module.GetDebugHeader().Entries.Any(e => e.Directory.Type == ImageDebugType.EmbeddedPortablePdb) ? SymbolKind.Embedded
            : SymbolKind.File;
        return (module, kind);
    }

    private static ModuleDefinition WithoutSymbols(byte[] image, IAssemblyResolver resolver) => ReadModule(image, null, readSymbols: false, resolver);

    private static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeaveException(DiagnosticIds.UnreadableAssembly, $"cannot read {path}: {e.Message}", e);
        }
    }

    private static ModuleDefinition ReadModule(byte[] image, byte[]? pdb, bool readSymbols, IAssemblyResolver resolver)
    {
        try
        {
            return ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters
            {
                ReadingMode = ReadingMode.Immediate,
                ReadSymbols = readSymbols,
                SymbolReaderProvider = readSymbols ? new DefaultSymbolReaderProvider(throwIfNoSymbol: false) : null,
                SymbolStream = readSymbols && pdb != null ? new MemoryStream(pdb) : null,
                AssemblyResolver = resolver,
            });
        }
        // Any failure to read is the input's fault (fuzzing finds Cecil throwing many exception types on bad metadata);
        // the caller tells the assembly's from its symbols'.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeaveException(DiagnosticIds.UnreadableAssembly,
                $"the file is not a readable .NET assembly ({e.GetType().Name}: {e.Message}); it was left unchanged", e);
        }
    }

    private static (byte[] Dll, byte[]? Pdb) WriteToMemory(ModuleDefinition module, SymbolKind symbols, string assemblyPath)
    {
        try
        {
            var dll = new MemoryStream();
            var pdb = symbols == SymbolKind.File ? new MemoryStream() : null;
            var parameters = new WriterParameters
            {
                DeterministicMvid = true,
                WriteSymbols = symbols != SymbolKind.None,
                SymbolWriterProvider = symbols switch
                {
                    SymbolKind.Embedded => new EmbeddedPortablePdbWriterProvider(),
                    SymbolKind.File => new PortablePdbWriterProvider(),
                    _ => null,
                },
                SymbolStream = pdb,
            };
            module.Write(dll, parameters);
            return (dll.ToArray(), pdb?.ToArray());
        }
        catch (Exception e)
        {
            throw new WeaveException(DiagnosticIds.WeavingFailed,
                $"writing the woven form of {assemblyPath} failed ({e.GetType().Name}: {e.Message}); the assembly was left unchanged", e);
        }
    }

    // The PDB goes first: a crash between the two moves leaves an unwoven dll, which the next build re-weaves.
    private static void ReplaceAtomically(string assemblyPath, byte[] dll, string pdbPath, byte[]? pdb)
    {
        try
        {
            if (pdb != null) WriteAllBytesAtomically(pdbPath, pdb);
            WriteAllBytesAtomically(assemblyPath, dll);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeaveException(DiagnosticIds.UnwritableOutput, $"cannot write {assemblyPath}: {e.Message}", e);
        }
    }

    /// <summary>Writes a file through a temporary sibling and a rename, so readers never see half of it.</summary>
    public static void WriteAllBytesAtomically(string path, byte[] bytes)
    {
        var temp = path + ".hotil-tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteAllTextAtomically(string path, string text) =>
        WriteAllBytesAtomically(path, System.Text.Encoding.UTF8.GetBytes(text));
}
