using Microsoft.CodeAnalysis;

namespace HotIL.Reporting;

/// <summary>Finds where a type or member is declared in the current sources, for diagnostics.</summary>
internal static class SourceLocator
{
    /// <summary><c>path(line,col)</c> of the declaration, or null when unknown.</summary>
    public static string? Locate(Microsoft.CodeAnalysis.Compilation compilation, string typeFullName, string? memberName)
    {
        var type = compilation.GetTypeByMetadataName(typeFullName.Replace('/', '+'));
        if (type == null) return null;
        ISymbol symbol = type;
        if (memberName != null)
        {
            var name = memberName.Split('(')[0];
            symbol = type.GetMembers(name).FirstOrDefault()
                ?? type.GetMembers($"<{name}>k__BackingField").FirstOrDefault()
                ?? (ISymbol)type;
            if (symbol is IFieldSymbol { AssociatedSymbol: { } property }) symbol = property;
        }
        var location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (location == null) return null;
        var span = location.GetLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }
}
