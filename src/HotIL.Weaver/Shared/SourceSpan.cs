namespace HotIL.Weaver;

/// <summary>A span of source text: document path, then 1-based start and end line and column, as a PDB records it.</summary>
internal sealed record SourceSpan(string Document, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    /// <inheritdoc />
    public override string ToString() => $"{Document}({StartLine},{StartColumn})";
}
