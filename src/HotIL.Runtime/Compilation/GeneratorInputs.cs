using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HotIL.Compilation;

/// <summary>
/// What the build's source generators read besides the syntax trees: the additional files (Razor pages and components,
/// a generator's .json or .txt input) and the analyzer config files (.editorconfig, .globalconfig) whose options they
/// see. They are held as texts, like the syntax trees: the baseline is what the build read, a save replaces one text,
/// and the generator driver reruns only the steps that read the file that changed.
/// </summary>
internal sealed class GeneratorInputs
{
    // Null: the file was deleted (or was missing when the program started); a later save brings it back.
    private readonly Dictionary<string, InputFile?> _additional = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _configs = new(StringComparer.Ordinal);

    /// <param name="additionalFiles">The build's additional files, in command-line order.</param>
    /// <param name="configFiles">The build's analyzer config files.</param>
    /// <param name="read">The text of a file as the build saw it, or null when there is none.</param>
    public GeneratorInputs(IEnumerable<string> additionalFiles, IEnumerable<string> configFiles, Func<string, string?> read)
    {
        foreach (var path in additionalFiles) _additional[path] = read(path) is { } text ? new InputFile(path, text) : null;
        foreach (var path in configFiles) _configs[path] = read(path);
    }

    /// <summary>Every additional file and analyzer config file the build named.</summary>
    public IEnumerable<string> Paths => _additional.Keys.Concat(_configs.Keys);

    /// <summary>The additional files that exist, for the generator driver.</summary>
    public ImmutableArray<AdditionalText> AdditionalTexts => [.. _additional.Values.OfType<InputFile>()];

    /// <summary>The options the analyzer config files give, for the generator driver.</summary>
    public AnalyzerConfigOptionsProvider Options =>
        new ConfigOptionsProvider(AnalyzerConfigSet.Create(_configs
            .Where(c => c.Value != null)
            .Select(c => AnalyzerConfig.Parse(c.Value!, c.Key))
            .ToArray()));

    public bool Contains(string path) => _additional.ContainsKey(path) || _configs.ContainsKey(path);

    /// <summary>The text held for <paramref name="path"/>; null when the file does not exist or is not an input.</summary>
    public string? TextOf(string path) =>
        _additional.TryGetValue(path, out var file) ? file?.Text : _configs.GetValueOrDefault(path);

    /// <summary>Replaces, removes (<paramref name="text"/> null) or brings back one input and returns the driver that sees it.</summary>
    public GeneratorDriver Update(GeneratorDriver driver, string path, string? text)
    {
        if (_configs.ContainsKey(path))
        {
            _configs[path] = text;
            return driver.WithUpdatedAnalyzerConfigOptions(Options);
        }
        var old = _additional[path];
        var current = text == null ? null : new InputFile(path, text);
        _additional[path] = current;
        return (old, current) switch
        {
            (not null, not null) => driver.ReplaceAdditionalText(old, current),
            (not null, null) => driver.RemoveAdditionalTexts([old]),
            (null, not null) => driver.AddAdditionalTexts([current]),
            _ => driver,
        };
    }
}
