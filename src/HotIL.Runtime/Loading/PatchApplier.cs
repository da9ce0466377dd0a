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
    /// it) and the slots that now point into the patch.</returns>
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

        // Everything that can fail is looked up before the first write.
        foreach (var key in patch.Changed.Keys.Concat(patch.Tombstones.Keys).Concat(patch.Dispatch.Keys))
            if (!world.HasSlot(key) && !patch.OwnSlots.ContainsKey(key) && !patch.Tombstones.ContainsKey(key))
                throw new InvalidOperationException($"no slot for {key}");
        var genericWrites = patch.ChangedGeneric
            .Select(e => (e.Key, Holder: world.GenericHolderOf(e.Key), Body: (MethodInfo)assembly.ManifestModule.ResolveMethod(e.Value.MetadataToken.ToInt32())!))
            .ToList();
        world.Add(patch, assembly, accessor);

        var repointed = new List<MethodKey>();
        foreach (var (key, index) in patch.Changed)
        {
            var dispatched = world.BodySlotOf(key);
            var (slots, slot) = dispatched ?? world.SlotOf(key);
            Volatile.Write(ref slots(slot), Volatile.Read(ref accessor(index)));
            repointed.Add(dispatched == null ? key : BodyKey(key));
        }
        foreach (var (root, dispatch) in patch.Dispatch)
        {
            var (slots, slot) = world.SlotOf(root);
            Volatile.Write(ref slots(slot), Volatile.Read(ref accessor(dispatch.Dispatcher)));
            repointed.Add(root);
        }
        foreach (var (key, index) in patch.Tombstones.Where(t => world.HasSlot(t.Key)))
        {
            var (slots, slot) = world.SlotOf(key);
            Volatile.Write(ref slots(slot), Volatile.Read(ref accessor(index)));
            repointed.Add(key);
        }
        foreach (var (key, holder, body) in genericWrites)
        {
            GenericSlots.Repoint(holder, body);
            repointed.Add(key);
        }
        return (context, repointed);
    }

    /// <summary>The bookkeeping key of a dispatched method's body slot.</summary>
    public static MethodKey BodyKey(MethodKey root) => new(root.Value + " #body");
}
