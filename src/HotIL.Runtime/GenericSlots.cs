using System.ComponentModel;
using System.Reflection;

namespace HotIL;

/// <summary>
/// Pointers of generic code: one per instantiation, held by a generated holder class per woven
/// generic method. A holder asks for its pointer when an instantiation is first used, so one
/// first used after a reload gets the newest body; a reload repoints every instantiation seen so far.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GenericSlots
{
    private static readonly object Gate = new();
    private static readonly Dictionary<Type, Slot> Slots = [];

    /// <summary>Called by a holder's static constructor: the pointer for this instantiation.</summary>
    /// <param name="holder">The holder, instantiated.</param>
    /// <returns>The newest body's address, or zero while no reload has replaced the original.</returns>
    public static nint Resolve(Type holder)
    {
        lock (Gate)
        {
            var slot = SlotOf(holder.GetGenericTypeDefinition());
            slot.Instances.Add(new WeakReference<Type>(holder));
            return slot.Latest == null ? 0 : PointerFor(slot.Latest, holder.GetGenericArguments());
        }
    }

    /// <summary>Points every instantiation of <paramref name="holder"/>, present and future, at <paramref name="implementation"/>.</summary>
    /// <param name="holder">The open holder type.</param>
    /// <param name="implementation">The open implementation: generic over the holder's parameters (type ones first).</param>
    internal static void Repoint(Type holder, MethodInfo implementation)
    {
        lock (Gate)
        {
            var slot = SlotOf(holder);
            slot.Latest = implementation;
            slot.Instances.RemoveAll(w => !w.TryGetTarget(out _));
            foreach (var reference in slot.Instances)
            {
                if (!reference.TryGetTarget(out var instance)) continue;
                var pointer = PointerFor(implementation, instance.GetGenericArguments());
                instance.GetField(Weaver.Registry.GenericPointerField, BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, pointer);
            }
            // Only now may forwarders leave the original body: every instantiation seen so far has its pointer,
            // and any later one gets it from its static constructor.
            Thread.MemoryBarrier();
            ReplacedFlagOf(holder).SetValue(null, 1);
            Thread.MemoryBarrier();
        }
    }

    private static FieldInfo ReplacedFlagOf(Type holder) =>
        holder.Assembly.GetType(Weaver.Registry.TypeName, throwOnError: true)!
            .GetField(Weaver.Registry.GenericReplacedFlag(holder.Name), BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new MissingFieldException(Weaver.Registry.TypeName, Weaver.Registry.GenericReplacedFlag(holder.Name));

    private static Slot SlotOf(Type openHolder)
    {
        if (!Slots.TryGetValue(openHolder, out var slot)) Slots[openHolder] = slot = new Slot();
        return slot;
    }

    // Asking the runtime for the address (not ldftn) still yields an instantiating stub for shared generic code.
    private static nint PointerFor(MethodInfo implementation, Type[] arguments)
    {
        var method = implementation;
        var declaring = implementation.DeclaringType!;
        var typeArity = declaring.IsGenericTypeDefinition ? declaring.GetGenericArguments().Length : 0;
        if (typeArity > 0)
            method = (MethodInfo)MethodBase.GetMethodFromHandle(method.MethodHandle, declaring.MakeGenericType(arguments[..typeArity]).TypeHandle)!;
        if (method.IsGenericMethodDefinition) method = method.MakeGenericMethod(arguments[typeArity..]);
        return method.MethodHandle.GetFunctionPointer();
    }

    private sealed class Slot
    {
        public MethodInfo? Latest;
        public readonly List<WeakReference<Type>> Instances = [];
    }
}
