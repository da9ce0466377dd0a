using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HotIL.Compilation;

/// <summary>Serves the build's .editorconfig/.globalconfig values (e.g. <c>build_property.*</c>) to source generators.</summary>
internal sealed class ConfigOptionsProvider(AnalyzerConfigSet configs) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(configs.GlobalConfigOptions.AnalyzerOptions);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) =>
        new Options(configs.GetOptionsForSourcePath(tree.FilePath).AnalyzerOptions);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(configs.GetOptionsForSourcePath(textFile.Path).AnalyzerOptions);

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);

        public override IEnumerable<string> Keys => values.Keys;
    }
}

/// <summary>
/// An additional file named on the command line, with the text the compile sees. A new object per text: the generator
/// driver tells a changed file by its object, and reruns only what read it.
/// </summary>
internal sealed class InputFile(string path, string text) : AdditionalText
{
    // SHA-256 as the command-line compiler uses, so checksums generators write (#pragma checksum) match the build's.
    private readonly Microsoft.CodeAnalysis.Text.SourceText _text =
        Microsoft.CodeAnalysis.Text.SourceText.From(text, System.Text.Encoding.UTF8, Microsoft.CodeAnalysis.Text.SourceHashAlgorithm.Sha256);

    public override string Path { get; } = path;

    public string Text { get; } = text;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
