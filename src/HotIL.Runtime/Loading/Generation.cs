namespace HotIL.Loading;

/// <summary>
/// One applied patch and what still needs it. Its context is held strongly while any slot points
/// into it; after that it is retired, and unloaded only once the grace period has passed.
/// </summary>
internal sealed class Generation(int number, string assemblyName, GenerationLoadContext context, string? pinnedBecause)
{
    private GenerationLoadContext? _context = context;
    private readonly WeakReference _collected = new(context, trackResurrection: false);

    public int Number { get; } = number;

    public string AssemblyName { get; } = assemblyName;

    /// <summary>Why this generation is never retired (it defines types or methods later code uses), or null.</summary>
    public string? PinnedBecause { get; } = pinnedBecause;

    /// <summary>How many slots point into this generation's code.</summary>
    public int Slots { get; set; }

    /// <summary>When the last slot left it, or null while it is live.</summary>
    public DateTime? RetiredAt { get; set; }

    public bool IsUnloadRequested => _context == null;

    /// <summary>Whether the runtime has actually collected the context (verified, not assumed).</summary>
    public bool IsCollected => IsUnloadRequested && !_collected.IsAlive;

    /// <summary>Drops the strong reference and asks the runtime to unload; frames and objects still using the code keep it alive.</summary>
    public void Unload()
    {
        var context = _context;
        _context = null;
        context?.Unload();
    }

    public GenerationInfo Describe(string program) => new(program, Number, AssemblyName,
        IsCollected ? GenerationState.Collected : IsUnloadRequested ? GenerationState.Unloading : RetiredAt != null ? GenerationState.Retired : GenerationState.Live,
        Slots, PinnedBecause);
}
