using HotIL.Loading;
using HotIL.Weaver;

namespace HotIL.Pipeline;

/// <summary>
/// Installs a loaded patch: makes the slot writes <see cref="PatchLoader"/> resolved (changed bodies, then
/// dispatchers, then tombstones, then generic bodies), and only then records in the loaded world what the patch
/// defines, so the world never describes code the program cannot yet reach.
/// </summary>
internal static class PatchApplier
{
    /// <returns>The slots that now point into the patch.</returns>
    public static IReadOnlyList<MethodKey> Apply(LoadedPatch loaded, LoadedWorld world)
    {
        foreach (var write in loaded.Writes) write.Write();
        world.Add(loaded.Patch, loaded.Assembly, loaded.Accessor);
        return loaded.Writes.Select(w => w.Key).ToArray();
    }
}
