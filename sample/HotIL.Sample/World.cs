namespace HotIL.Sample;

/// <summary>A wrapping grid of cells; each living cell remembers its age. This is the state a reload keeps.</summary>
internal sealed class World
{
    private int[,] _ages;
    private readonly Random _random = new(2026);

    public World(int width, int height)
    {
        Width = width;
        Height = height;
        _ages = new int[width, height];
        for (var x = 0; x < width; x++)
            for (var y = 0; y < height; y++)
                if (_random.NextDouble() < 0.3) _ages[x, y] = 1;
    }

    public int Width { get; }

    public int Height { get; }

    public long Tick { get; private set; }

    public int Population { get; private set; }

    /// <summary>Age of the cell at (x, y) in ticks; 0 when it is dead.</summary>
    public int AgeAt(int x, int y) => _ages[x, y];

    public void Step()
    {
        var next = new int[Width, Height];
        var population = 0;
        for (var x = 0; x < Width; x++)
        {
            for (var y = 0; y < Height; y++)
            {
                var alive = _ages[x, y] > 0;
                if (!Rules.NextState(alive, Neighbours(x, y))) continue;
                next[x, y] = alive ? _ages[x, y] + 1 : 1;
                population++;
            }
        }
        _ages = next;
        Population = population;
        Tick++;
        if (Tick % 50 == 0) DropGlider();
    }

    private int Neighbours(int x, int y)
    {
        var count = 0;
        for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
                if ((dx, dy) != (0, 0) && _ages[(x + dx + Width) % Width, (y + dy + Height) % Height] > 0) count++;
        return count;
    }

    // Keeps the world from settling into still life.
    private void DropGlider()
    {
        int x = _random.Next(Width), y = _random.Next(Height);
        foreach (var (dx, dy) in new[] { (1, 0), (2, 1), (0, 2), (1, 2), (2, 2) })
            _ages[(x + dx) % Width, (y + dy) % Height] = 1;
    }
}
