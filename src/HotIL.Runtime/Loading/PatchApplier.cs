using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using HotIL.Weaver;
using HotIL.Weaver.Patching;

namespace HotIL.Loading;

/// <summary>
/// Loads a built patch into its own collectible context and applies it: the patch's module
/// initializer fills its own slots first (new code can only reach filled slots), then changed
/// slots are repointed, then removed methods are tombstoned. Every slot is resolved before the
/// first write, so a failure leaves the program exactly as it was.
/// </summary>
internal static class PatchApplier
{
    /// <returns>The context the patch was loaded into (it must stay referenced while any slot points into
    /// it) and the existing slots that now point into the patch.</returns>
    public static (GenerationLoadContext Context, IReadOnlyList<MethodKey> Repointed) Apply(Patch patch, LoadedWorld world, AssemblyLoadContext programContext)
    {
        var (image, pdb) = patch.Write();
        // Only what the patch refers to: a wider table would keep unrelated generations alive.
        var referenced = patch.Module.AssemblyReferences.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var visible = world.Assemblies.Where(a => referenced.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);
        var context = new GenerationLoadContext(patch.AssemblyName, visible, programContext);
        var assembly = context.Load(image, pdb);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        var accessor = LoadedWorld.AccessorOf(assembly);

        var writes = patch.Changed.Concat(patch.Tombstones.Where(t => world.HasSlot(t.Key)))
            .Select(e => (e.Key, Slot: world.SlotOf(e.Key), Target: Volatile.Read(ref accessor(e.Value))))
            .ToList();
        var genericWrites = patch.ChangedGeneric
            .Select(e => (e.Key, Holder: world.GenericHolderOf(e.Key), Body: (MethodInfo)assembly.ManifestModule.ResolveMethod(e.Value.MetadataToken.ToInt32())!))
            .ToList();
        world.Add(patch, assembly, accessor);
        foreach (var (_, (slots, index), target) in writes) Volatile.Write(ref slots(index), target);
        foreach (var (_, holder, body) in genericWrites) GenericSlots.Repoint(holder, body);
        return (context, writes.Select(w => w.Key).Concat(genericWrites.Select(w => w.Key)).ToArray());
    }
}
