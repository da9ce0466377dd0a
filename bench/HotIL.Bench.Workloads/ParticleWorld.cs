namespace HotIL.Bench.Workloads;

/// <summary>
/// A game-like update over thousands of objects: particles fall, bounce off the walls, die and
/// respawn, and a spatial grid counts how crowded each cell is.
/// </summary>
public sealed class ParticleWorld
{
    private const float Width = 640, Height = 480;
    private readonly Particle[] _particles;
    private readonly SpatialGrid _grid = new(Width, Height, cellSize: 32);
    private Xorshift _random = new(42);

    /// <param name="count">Particles updated per step.</param>
    public ParticleWorld(int count = 4096)
    {
        _particles = new Particle[count];
        for (var i = 0; i < count; i++)
        {
            _particles[i] = new Particle();
            Spawn(_particles[i]);
        }
    }

    /// <summary>Number of particles.</summary>
    public int Count => _particles.Length;

    /// <summary>Advances the world by one frame; returns the largest number of particles in one cell.</summary>
    public int Step(float dt = 1f / 60)
    {
        _grid.Clear();
        var gravity = new Vector2(0, 98f);
        foreach (var particle in _particles)
        {
            particle.Update(dt, gravity);
            particle.Bounce(Width, Height);
            if (!particle.IsAlive) Spawn(particle);
            _grid.Add(particle.Position);
        }
        return _grid.MaxOccupancy;
    }

    private void Spawn(Particle particle)
    {
        var position = new Vector2(_random.NextFloat() * Width, _random.NextFloat() * Height / 2);
        var velocity = new Vector2(_random.NextFloat() * 200 - 100, _random.NextFloat() * -100);
        particle.Reset(position, velocity, lifetime: 2 + _random.NextFloat() * 3);
    }
}

/// <summary>A particle with a limited lifetime.</summary>
public sealed class Particle
{
    /// <summary>Position in pixels.</summary>
    public Vector2 Position { get; private set; }

    /// <summary>Velocity in pixels per second.</summary>
    public Vector2 Velocity { get; private set; }

    /// <summary>Seconds left to live.</summary>
    public float Lifetime { get; private set; }

    /// <summary>Whether it still lives.</summary>
    public bool IsAlive => Lifetime > 0;

    /// <summary>Starts a new life.</summary>
    public void Reset(Vector2 position, Vector2 velocity, float lifetime)
    {
        Position = position;
        Velocity = velocity;
        Lifetime = lifetime;
    }

    /// <summary>Integrates one time step.</summary>
    public void Update(float dt, Vector2 gravity)
    {
        Velocity = (Velocity + gravity * dt) * 0.999f;
        Position += Velocity * dt;
        Lifetime -= dt;
    }

    /// <summary>Reflects off the walls of a box, losing some energy.</summary>
    public void Bounce(float width, float height)
    {
        var (x, y) = (Position.X, Position.Y);
        var (vx, vy) = (Velocity.X, Velocity.Y);
        if (x < 0 || x > width) { vx = -vx * 0.8f; x = Math.Clamp(x, 0, width); }
        if (y < 0 || y > height) { vy = -vy * 0.8f; y = Math.Clamp(y, 0, height); }
        Position = new Vector2(x, y);
        Velocity = new Vector2(vx, vy);
    }
}

/// <summary>A 2-vector of floats.</summary>
public readonly record struct Vector2(float X, float Y)
{
    /// <summary>Sum.</summary>
    public static Vector2 operator +(Vector2 a, Vector2 b) => new(a.X + b.X, a.Y + b.Y);

    /// <summary>Scaling.</summary>
    public static Vector2 operator *(Vector2 a, float s) => new(a.X * s, a.Y * s);
}

/// <summary>Counts points per square cell.</summary>
public sealed class SpatialGrid
{
    private readonly float _cellSize;
    private readonly int _columns;
    private readonly int[] _counts;

    /// <summary>A grid covering <paramref name="width"/> by <paramref name="height"/>, edges included.</summary>
    public SpatialGrid(float width, float height, float cellSize)
    {
        _cellSize = cellSize;
        _columns = (int)(width / cellSize) + 1;
        _counts = new int[_columns * ((int)(height / cellSize) + 1)];
    }

    /// <summary>The most points counted in one cell since the last clear.</summary>
    public int MaxOccupancy { get; private set; }

    /// <summary>Forgets every point.</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        MaxOccupancy = 0;
    }

    /// <summary>Counts a point.</summary>
    public void Add(Vector2 point)
    {
        var cell = CellOf(point);
        var count = ++_counts[cell];
        if (count > MaxOccupancy) MaxOccupancy = count;
    }

    private int CellOf(Vector2 point) => (int)(point.Y / _cellSize) * _columns + (int)(point.X / _cellSize);
}

/// <summary>A small deterministic random number generator.</summary>
public struct Xorshift(uint seed)
{
    private uint _state = seed == 0 ? 1 : seed;

    /// <summary>Next value in [0, 1).</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1f / (1 << 24));

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt()
    {
        var x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return _state = x;
    }
}
