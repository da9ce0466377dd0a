using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Generator;

/// <summary>Turns the "Name": "text" pairs of messages.json into constants of Site.Messages.</summary>
[Generator]
public sealed class MessagesGenerator : IIncrementalGenerator
{
    private static readonly Regex Pair = new("\"(?<name>[A-Za-z_][A-Za-z0-9_]*)\"\\s*:\\s*\"(?<text>[^\"]*)\"");

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var messages = context.AdditionalTextsProvider
            .Where(file => file.Path.EndsWith("messages.json"))
            .Select((file, token) => file.GetText(token)?.ToString() ?? "");
        context.RegisterSourceOutput(messages, (output, json) =>
        {
            var source = new StringBuilder("namespace Site;\n\npublic static class Messages\n{\n");
            foreach (var match in Pair.Matches(json).Cast<Match>())
                source.Append($"    public static string {match.Groups["name"].Value} => \"{match.Groups["text"].Value}\";\n");
            output.AddSource("Messages.g.cs", source.Append("}\n").ToString());
        });
    }
}
