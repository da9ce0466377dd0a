using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace HotIL;

/// <summary>
/// Storage for an instance field that a reload added to a class with live objects: values are kept
/// beside the objects, keyed weakly by identity, and an object created before the edit reads the
/// field initializer's value on first access rather than a silent zero. Used by patch code only.
/// </summary>
/// <typeparam name="TOwner">The class the field was added to.</typeparam>
/// <typeparam name="TValue">The field's type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AddedField<TOwner, TValue> where TOwner : class
{
    private readonly ConditionalWeakTable<TOwner, StrongBox<TValue>> _values = new();
    private readonly ConditionalWeakTable<TOwner, StrongBox<TValue>>.CreateValueCallback _create;

    /// <summary>Creates the storage; <paramref name="initializer"/> computes the field's initial value.</summary>
    public AddedField(Func<TValue> initializer) => _create = _ => new StrongBox<TValue>(initializer());

    /// <summary>The field of <paramref name="owner"/>, by reference (reads, writes, <c>ref</c> and <c>out</c> use it).</summary>
    public ref TValue Of(TOwner owner) => ref _values.GetValue(owner, _create).Value!;

    /// <summary>Stores <paramref name="value"/> without running the initializer (constructors of new objects).</summary>
    public void Set(TOwner owner, TValue value)
    {
        if (_values.TryGetValue(owner, out var box)) box.Value = value;
        else _values.AddOrUpdate(owner, new StrongBox<TValue>(value));
    }
}
