namespace HotIL.Weaver;

/// <summary>Build-time diagnostic IDs. docs/diagnostics.md lists every one of them.</summary>
internal static class WeaveDiagnostics
{
    /// <summary>The input is not a readable .NET assembly.</summary>
    public const string UnreadableAssembly = "HOTIL0001";

    /// <summary>The woven output could not be written.</summary>
    public const string UnwritableOutput = "HOTIL0002";

    /// <summary>The PDB does not match the assembly; weaving goes on without line information.</summary>
    public const string SymbolsNotMatching = "HOTIL0003";

    /// <summary>Weaving itself failed on this assembly.</summary>
    public const string WeavingFailed = "HOTIL0004";

    /// <summary>The build gave no compiler command line, so the runtime could not recompile.</summary>
    public const string NoCompilerArguments = "HOTIL0005";
}
