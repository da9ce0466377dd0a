namespace HotIL.Bench.Workloads;

/// <summary>
/// Virtual and interface calls over a mixed array (three receiver types in random order), so the
/// call sites stay polymorphic even after dynamic PGO has seen them.
/// </summary>
public sealed class Dispatch
{
    private readonly Shape[] _shapes;
    private readonly IPricing[] _pricings;

    /// <param name="count">Receivers per invocation.</param>
    public Dispatch(int count = 2048)
    {
        var random = new Random(42);
        _shapes = new Shape[count];
        _pricings = new IPricing[count];
        for (var i = 0; i < count; i++)
        {
            var size = random.Next(1, 20);
            _shapes[i] = random.Next(3) switch
            {
                0 => new Circle(size),
                1 => new Rectangle(size, size + 1),
                _ => new Triangle(size, size + 2),
            };
            _pricings[i] = random.Next(3) switch
            {
                0 => new FlatPricing(size),
                1 => new PercentPricing(size),
                _ => new TieredPricing(size),
            };
        }
    }

    /// <summary>Sums an abstract and a virtual member of every shape.</summary>
    public double VirtualCalls()
    {
        var total = 0.0;
        foreach (var shape in _shapes)
            total += shape.Area() + shape.Perimeter();
        return total;
    }

    /// <summary>Runs a price through every pricing rule.</summary>
    public long InterfaceCalls()
    {
        var cents = 0L;
        foreach (var pricing in _pricings)
            cents += pricing.Apply(10_000 + cents % 7);
        return cents;
    }
}

/// <summary>A plane figure.</summary>
public abstract class Shape
{
    /// <summary>Area.</summary>
    public abstract double Area();

    /// <summary>Length of the outline (overridden by some shapes only).</summary>
    public virtual double Perimeter() => 0;
}

/// <summary>A circle.</summary>
public sealed class Circle(double radius) : Shape
{
    /// <inheritdoc/>
    public override double Area() => Math.PI * radius * radius;

    /// <inheritdoc/>
    public override double Perimeter() => 2 * Math.PI * radius;
}

/// <summary>A rectangle.</summary>
public sealed class Rectangle(double width, double height) : Shape
{
    /// <inheritdoc/>
    public override double Area() => width * height;

    /// <inheritdoc/>
    public override double Perimeter() => 2 * (width + height);
}

/// <summary>A triangle that keeps the base perimeter.</summary>
public sealed class Triangle(double baseLength, double height) : Shape
{
    /// <inheritdoc/>
    public override double Area() => 0.5 * baseLength * height;
}

/// <summary>A pricing rule over amounts in cents.</summary>
public interface IPricing
{
    /// <summary>The price after the rule.</summary>
    long Apply(long cents);
}

/// <summary>Takes a fixed amount off.</summary>
public sealed class FlatPricing(long off) : IPricing
{
    /// <inheritdoc/>
    public long Apply(long cents) => Math.Max(0, cents - off * 10);
}

/// <summary>Takes a percentage off.</summary>
public sealed class PercentPricing(long percent) : IPricing
{
    /// <inheritdoc/>
    public long Apply(long cents) => cents * (100 - percent) / 100;
}

/// <summary>Takes more off large amounts.</summary>
public sealed class TieredPricing(long step) : IPricing
{
    /// <inheritdoc/>
    public long Apply(long cents) => cents > 5_000 ? cents - step * 20 : cents - step;
}
