namespace HotIL.Bench.Workloads;

/// <summary>
/// Members of a generic class and generic methods, instantiated over a value type (code of its own)
/// and over a reference type (code shared by every reference type, with run-time lookups).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Generics<T> where T : IEquatable<T>
{
    private readonly T[] _items;
    private readonly RingBuffer<T> _recent = new(8);

    /// <param name="items">Elements fed through the buffer per invocation.</param>
    public Generics(T[] items) => _items = items;

    /// <summary>Pushes every element through a ring buffer and counts repeats of recent elements.</summary>
    public int Run()
    {
        var repeats = 0;
        foreach (var item in _items)
        {
            if (Sequences.IndexOf(_recent, item) >= 0) repeats++;
            _recent.Push(item);
        }
        return repeats + Sequences.Count(_items, _items[0]);
    }
}

/// <summary>A fixed-size buffer that keeps the latest elements.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] _items = new T[capacity];
    private int _next;

    /// <summary>Number of elements kept.</summary>
    public int Capacity => _items.Length;

    /// <summary>The element pushed <paramref name="age"/> pushes ago (0 = the latest).</summary>
    public T this[int age] => _items[(_next - 1 - age) & (_items.Length - 1)];

    /// <summary>Adds an element, dropping the oldest.</summary>
    public void Push(T item)
    {
        _items[_next & (_items.Length - 1)] = item;
        _next++;
    }
}

/// <summary>Generic methods of a non-generic class.</summary>
public static class Sequences
{
    /// <summary>Age of the latest element equal to <paramref name="item"/>, or -1.</summary>
    public static int IndexOf<T>(RingBuffer<T> buffer, T item) where T : IEquatable<T>
    {
        for (var age = 0; age < buffer.Capacity; age++)
            if (Same(buffer[age], item)) return age;
        return -1;
    }

    /// <summary>How many elements equal <paramref name="item"/>.</summary>
    public static int Count<T>(T[] items, T item) where T : IEquatable<T>
    {
        var count = 0;
        foreach (var candidate in items)
            if (Same(candidate, item)) count++;
        return count;
    }

    /// <summary>Equality that tolerates nulls.</summary>
    public static bool Same<T>(T? a, T? b) where T : IEquatable<T> => a is null ? b is null : a.Equals(b);
}

/// <summary>A reference type with value equality, for the shared-code instantiation.</summary>
public sealed class Symbol(int id) : IEquatable<Symbol>
{
    /// <summary>Identifier.</summary>
    public int Id { get; } = id;

    /// <inheritdoc/>
    public bool Equals(Symbol? other) => other is not null && other.Id == Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Symbol);

    /// <inheritdoc/>
    public override int GetHashCode() => Id;
}

/// <summary>Inputs for <see cref="Generics{T}"/>.</summary>
public static class GenericInputs
{
    /// <summary>Integers with frequent repeats.</summary>
    public static int[] Integers(int count = 1024)
    {
        var random = new Random(42);
        return Enumerable.Range(0, count).Select(_ => random.Next(0, 64)).ToArray();
    }

    /// <summary>Symbols with frequent repeats (distinct instances, equal by value).</summary>
    public static Symbol[] Symbols(int count = 1024) => Integers(count).Select(i => new Symbol(i)).ToArray();
}
