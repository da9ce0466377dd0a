namespace HotIL.Bench.Workloads;

/// <summary>
/// Small struct methods (operators, instance methods with <c>this</c> by reference, a constructor,
/// <c>in</c> parameters) inside numeric loops: the kernels where inlining matters most.
/// </summary>
public sealed class StructMath
{
    private readonly Body[] _bodies;
    private readonly Vector3[] _points;
    private readonly Matrix3 _rotation = Matrix3.RotationZ(0.1) * Matrix3.Scale(1.0001);

    /// <param name="bodies">Bodies of the n-body system (pairs per step: n(n-1)/2).</param>
    /// <param name="points">Points transformed per invocation.</param>
    public StructMath(int bodies = 64, int points = 2048)
    {
        var random = new Random(42);
        Vector3 Next(double scale) => new(random.NextDouble() * scale, random.NextDouble() * scale, random.NextDouble() * scale);
        _bodies = Enumerable.Range(0, bodies).Select(_ => new Body(Next(100), Next(1), 1 + random.NextDouble())).ToArray();
        _points = Enumerable.Range(0, points).Select(_ => Next(10)).ToArray();
    }

    /// <summary>One step of a gravitational n-body system; returns the system's kinetic energy.</summary>
    public double NBodyStep()
    {
        const double dt = 0.001;
        var bodies = _bodies;
        for (var i = 0; i < bodies.Length; i++)
        {
            for (var j = i + 1; j < bodies.Length; j++)
            {
                var delta = bodies[j].Position - bodies[i].Position;
                var distanceSquared = delta.LengthSquared() + 0.01;
                var magnitude = dt / (distanceSquared * Math.Sqrt(distanceSquared));
                bodies[i].Velocity += delta * (bodies[j].Mass * magnitude);
                bodies[j].Velocity -= delta * (bodies[i].Mass * magnitude);
            }
        }
        var energy = 0.0;
        for (var i = 0; i < bodies.Length; i++)
        {
            bodies[i].Advance(dt);
            energy += bodies[i].KineticEnergy();
        }
        return energy;
    }

    /// <summary>Transforms every point by a 3x3 matrix and sums the results.</summary>
    public double TransformPoints()
    {
        var sum = Vector3.Zero;
        var rotation = _rotation;
        foreach (var point in _points)
            sum += rotation.Transform(point).Normalized();
        return sum.Dot(new Vector3(1, 2, 3));
    }
}

/// <summary>A 3-vector of doubles.</summary>
public readonly struct Vector3(double x, double y, double z)
{
    /// <summary>The zero vector.</summary>
    public static Vector3 Zero => default;

    /// <summary>X.</summary>
    public double X { get; } = x;

    /// <summary>Y.</summary>
    public double Y { get; } = y;

    /// <summary>Z.</summary>
    public double Z { get; } = z;

    /// <summary>Sum.</summary>
    public static Vector3 operator +(Vector3 a, Vector3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>Difference.</summary>
    public static Vector3 operator -(Vector3 a, Vector3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    /// <summary>Scaling.</summary>
    public static Vector3 operator *(Vector3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    /// <summary>Dot product.</summary>
    public double Dot(in Vector3 other) => X * other.X + Y * other.Y + Z * other.Z;

    /// <summary>Squared length.</summary>
    public double LengthSquared() => Dot(this);

    /// <summary>This vector scaled to length 1 (zero stays zero).</summary>
    public Vector3 Normalized()
    {
        var length = Math.Sqrt(LengthSquared());
        return length == 0 ? this : this * (1 / length);
    }
}

/// <summary>A point mass.</summary>
public struct Body(Vector3 position, Vector3 velocity, double mass)
{
    /// <summary>Position.</summary>
    public Vector3 Position = position;

    /// <summary>Velocity.</summary>
    public Vector3 Velocity = velocity;

    /// <summary>Mass.</summary>
    public readonly double Mass = mass;

    /// <summary>Moves the body along its velocity.</summary>
    public void Advance(double dt) => Position += Velocity * dt;

    /// <summary>Kinetic energy.</summary>
    public readonly double KineticEnergy() => 0.5 * Mass * Velocity.LengthSquared();
}

/// <summary>A 3x3 matrix, row by row.</summary>
public readonly struct Matrix3(Vector3 row0, Vector3 row1, Vector3 row2)
{
    private readonly Vector3 _row0 = row0, _row1 = row1, _row2 = row2;

    /// <summary>Rotation about the Z axis.</summary>
    public static Matrix3 RotationZ(double angle)
    {
        var (sin, cos) = Math.SinCos(angle);
        return new Matrix3(new Vector3(cos, -sin, 0), new Vector3(sin, cos, 0), new Vector3(0, 0, 1));
    }

    /// <summary>Uniform scaling.</summary>
    public static Matrix3 Scale(double s) => new(new Vector3(s, 0, 0), new Vector3(0, s, 0), new Vector3(0, 0, s));

    /// <summary>Matrix product.</summary>
    public static Matrix3 operator *(Matrix3 a, Matrix3 b)
    {
        var columns = new Matrix3(new Vector3(b._row0.X, b._row1.X, b._row2.X), new Vector3(b._row0.Y, b._row1.Y, b._row2.Y), new Vector3(b._row0.Z, b._row1.Z, b._row2.Z));
        return new Matrix3(columns.Transform(a._row0), columns.Transform(a._row1), columns.Transform(a._row2));
    }

    /// <summary>This matrix times a column vector.</summary>
    public Vector3 Transform(in Vector3 v) => new(_row0.Dot(v), _row1.Dot(v), _row2.Dot(v));
}
