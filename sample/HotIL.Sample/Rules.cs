namespace HotIL.Sample;

// Edit this file while the simulation runs and save it: the running world takes the new rules
// at its next tick, and everything it has (cells, their ages, the tick counter) carries on.
//
// Things to try:
//   - HighLife: a dead cell is also born with 6 neighbours (`neighbours is 3 or 6`).
//   - Seeds: born with 2, nobody survives. Watch it explode.
//   - Change the glyphs, or colour old cells differently.
//   - Make a typo: HotIL prints the compiler's error with file:line and keeps running.
internal static class Rules
{
    public static string Name => "Conway's Life (B3/S23)";

    // Whether a cell is alive at the next tick, given whether it is alive now and how many of
    // its eight neighbours are.
    public static bool NextState(bool alive, int neighbours) =>
        alive ? neighbours is 2 or 3 : neighbours == 3;

    // How a living cell of the given age (in ticks) is drawn.
    public static char Glyph(int age) => age switch
    {
        < 2 => '+',
        < 8 => 'o',
        _ => '@',
    };

    // ANSI colour of a living cell of the given age.
    public static int Colour(int age) => age switch
    {
        < 2 => 92,  // bright green: just born
        < 8 => 32,  // green
        _ => 33,    // yellow: old timers
    };
}
