using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using HotIL.Loading;
using HotIL.Weaver;
using HotIL.Weaver.Patching;

namespace HotIL.Pipeline;

/// <summary>
/// Loads a built patch into its own collectible context, lets its module initializer fill the patch's own
/// registry (new code can only reach filled slots), and resolves every slot write the apply will make. All
/// that can fail happens here, before the first write: a failed load leaves the program exactly as it was.
/// </summary>
internal static class PatchLoader
{
    public static LoadedPatch Load(Patch patch, LoadedWorld world, AssemblyLoadContext programContext)
    {
        var (image, pdb) = patch.Write();
        // Only what the patch refers to: a wider table would keep unrelated generations alive.
        var referenced = patch.Module.AssemblyReferences.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var visible = world.Assemblies.Where(a => referenced.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);
        var context = new GenerationLoadContext(patch.AssemblyName, visible, programContext);
        try
        {
            var assembly = context.Load(image, pdb);
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            var accessor = LoadedWorld.AccessorOf(assembly);
            return new LoadedPatch(patch, context, assembly, accessor, Writes(patch, world, assembly, accessor));
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    // In the order they are made: new bodies, then dispatchers in front of them, then tombstones, then generic bodies.
    private static List<SlotWrite> Writes(Patch patch, LoadedWorld world, Assembly assembly, SlotAccessor accessor)
    {
        // The patch's own slots take the place of any the program had under the same key (a method removed, then added again).
        (SlotAccessor, int) SlotOf(MethodKey key) => patch.OwnSlots.TryGetValue(key, out var own) ? (accessor, own) : world.SlotOf(key);
        bool HasSlot(MethodKey key) => patch.OwnSlots.ContainsKey(key) || world.HasSlot(key);

        var writes = new List<SlotWrite>();
        foreach (var (key, index) in patch.Changed)
        {
            // A dispatched method's new body goes to its body slot (this patch's new one, or an earlier patch's); its own slot holds the dispatcher.
            var body = patch.Dispatch.GetValueOrDefault(key)?.NewBodySlot is { } fresh ? (accessor, fresh) : world.BodySlotOf(key);
            var (slots, slot) = body ?? SlotOf(key);
            writes.Add(new PointerWrite(body == null ? key : BodyKey(key), slots, slot, accessor, index));
        }
        foreach (var (root, dispatch) in patch.Dispatch)
        {
            var (slots, slot) = SlotOf(root);
            writes.Add(new PointerWrite(root, slots, slot, accessor, dispatch.Dispatcher));
        }
        // A removed method that never had a slot (its type was added and removed between reloads) has nothing to repoint.
        foreach (var (key, index) in patch.Tombstones.Where(t => HasSlot(t.Key)))
        {
            var (slots, slot) = SlotOf(key);
            writes.Add(new PointerWrite(key, slots, slot, accessor, index));
        }
        foreach (var (key, body) in patch.ChangedGeneric)
            writes.Add(new GenericWrite(key, world.GenericHolderOf(key), (MethodInfo)assembly.ManifestModule.ResolveMethod(body.MetadataToken.ToInt32())!));
        return writes;
    }

    /// <summary>The bookkeeping key of a dispatched method's body slot.</summary>
    public static MethodKey BodyKey(MethodKey root) => new(root.Value + " #body");
}

/// <summary>A patch loaded into its context, with every slot write of its apply resolved.</summary>
/// <param name="Patch">The patch.</param>
/// <param name="Context">Its context; it must stay referenced while any slot points into it.</param>
/// <param name="Assembly">The loaded patch assembly.</param>
/// <param name="Accessor">The patch's own registry.</param>
/// <param name="Writes">The slot writes that install it.</param>
internal sealed record LoadedPatch(Patch Patch, GenerationLoadContext Context, Assembly Assembly, SlotAccessor Accessor, IReadOnlyList<SlotWrite> Writes);

/// <summary>One slot write of an apply.</summary>
/// <param name="Key">The key the generation table records the slot under.</param>
internal abstract record SlotWrite(MethodKey Key)
{
    public abstract void Write();
}

/// <summary>Points a registry slot at an entry of the patch's registry.</summary>
internal sealed record PointerWrite(MethodKey Key, SlotAccessor Slots, int Index, SlotAccessor Source, int SourceIndex) : SlotWrite(Key)
{
    public override void Write() => Volatile.Write(ref Slots(Index), Volatile.Read(ref Source(SourceIndex)));
}

/// <summary>Gives a generic method's holder a new open body, instantiated per holder.</summary>
internal sealed record GenericWrite(MethodKey Key, Type Holder, MethodInfo Body) : SlotWrite(Key)
{
    public override void Write() => GenericSlots.Repoint(Holder, Body);
}
