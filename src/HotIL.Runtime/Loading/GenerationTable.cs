using HotIL.Weaver;
using HotIL.Weaver.Patching;

namespace HotIL.Loading;

/// <summary>
/// Which generation each slot points into, and the retirement of generations nothing points into.
/// The argument for why this never frees code a thread can still reach is in
/// docs/decisions/0006-generation-lifetime.md.
/// </summary>
internal sealed class GenerationTable(TimeSpan gracePeriod)
{
    private readonly Dictionary<MethodKey, Generation> _slotTargets = [];
    private readonly List<Generation> _generations = [];
    private readonly Queue<Generation> _recentlyCollected = new();

    public TimeSpan GracePeriod { get; set; } = gracePeriod;

    /// <summary>How many generations may wait for the garbage collector to finish unloading them before one is asked for.</summary>
    public const int UnloadingBeforeCollection = 8;

    /// <summary>The least time between two collections asked for by <see cref="CollectionDue"/>.</summary>
    public static readonly TimeSpan CollectionInterval = TimeSpan.FromSeconds(10);

    private DateTime _lastCollection = DateTime.MinValue;

    /// <summary>Generations not yet collected, then the last few collected ones (the rest are only counted).</summary>
    public IEnumerable<Generation> All => _generations.Concat(_recentlyCollected);

    /// <summary>How many generations the runtime has collected so far.</summary>
    public int CollectedCount { get; private set; }

    /// <summary>Records a generation whose slot writes have just been made.</summary>
    /// <param name="patch">The applied patch.</param>
    /// <param name="context">Its load context.</param>
    /// <param name="repointed">Slots written to point into the patch.</param>
    /// <param name="now">The time of the apply.</param>
    public Generation Applied(Patch patch, GenerationLoadContext context, IEnumerable<MethodKey> repointed, DateTime now)
    {
        var generation = new Generation(patch.Generation, patch.AssemblyName, context, patch.PinnedBecause);
        _generations.Add(generation);
        foreach (var key in repointed.Concat(patch.OwnSlots.Keys).Concat(patch.OwnGenericSlots.Keys)) PointAt(key, generation);
        foreach (var g in _generations)
            if (g.Slots == 0 && g.PinnedBecause == null && g.RetiredAt == null) g.RetiredAt = now;
        return generation;
    }

    /// <summary>Unloads retired generations whose grace period is over; returns them.</summary>
    public IReadOnlyList<Generation> Sweep(DateTime now)
    {
        var due = _generations.Where(g => g.RetiredAt is { } at && now - at >= GracePeriod && !g.IsUnloadRequested).ToList();
        foreach (var g in due) g.Unload();
        foreach (var g in _generations.Where(g => g.IsCollected).ToList())
        {
            _generations.Remove(g);
            CollectedCount++;
            _recentlyCollected.Enqueue(g);
            if (_recentlyCollected.Count > 8) _recentlyCollected.Dequeue();
        }
        return due;
    }

    /// <summary>
    /// Whether enough unloaded generations wait for a collection that the program, which may rarely collect on its own
    /// (an idle app, a server with a large heap), should be asked for one now: at most one per
    /// <see cref="CollectionInterval"/> (decision 0017).
    /// </summary>
    public bool CollectionDue(DateTime now)
    {
        if (_generations.Count(g => g.IsUnloadRequested && !g.IsCollected) < UnloadingBeforeCollection || now - _lastCollection < CollectionInterval) return false;
        _lastCollection = now;
        return true;
    }

    private void PointAt(MethodKey key, Generation generation)
    {
        if (_slotTargets.TryGetValue(key, out var previous)) previous.Slots--;
        _slotTargets[key] = generation;
        generation.Slots++;
    }
}
