using HotIL.Weaver;
using HotIL.Weaver.Patching;

namespace HotIL.Reporting;

/// <summary>
/// The diagnostic lines of one reload attempt, as the compiler writes its own
/// (<c>path(line,col): severity ID: message</c>), placed at the declarations in the edited sources.
/// </summary>
internal sealed class EditDiagnostics(Microsoft.CodeAnalysis.Compilation sources)
{
    public string Error(RudeEdit edit) => Format("error", edit.Id, edit.TypeFullName, edit.MemberName, edit.Message);

    public string Warning(EditWarning warning) => Format("warning", warning.Id, warning.TypeFullName, warning.MemberName, warning.Message);

    // A matched lambda whose new body cannot serve the delegates made before the edit.
    public static string Stale(StaleClosure stale)
    {
        var text = $"warning {DiagnosticIds.StaleClosure}: delegates created before this edit keep running the previous body of " +
            $"{MemberNames.Of(stale.Previous)} because {stale.Reason}; delegates created from now on run the new body";
        return stale.Where == null ? text : $"{stale.Where}: {text}";
    }

    /// <summary>"Program.cs(9,60): error CS1002: ; expected" → CS1002.</summary>
    public static IEnumerable<string> CompilerErrorIds(IEnumerable<string> errors) =>
        errors.Select(e => e.Split(": error ", 2) is [_, var rest] ? rest.Split(':')[0] : "error");

    /// <summary>What a warning is about, as the user names it: Shop.Cart.Total(int), Shop.Prices.Rate, the static constructor of Shop.Prices.</summary>
    public static string Subject(EditWarning warning)
    {
        var type = warning.TypeFullName.Replace('/', '.');
        return warning.MemberName switch
        {
            null => type,
            ".cctor" => "the static constructor of " + type,
            var member when member.StartsWith('<') && member.EndsWith(">k__BackingField", StringComparison.Ordinal) => type + "." + member[1..member.IndexOf('>')],
            var member => type + "." + member,
        };
    }

    private string Format(string severity, string id, string type, string? member, string message)
    {
        var place = SourceLocator.Locate(sources, type, member);
        return place == null ? $"{severity} {id}: {message}" : $"{place}: {severity} {id}: {message}";
    }
}
