// One line per tick until killed: a word from LibA, a step from LibB, a mark from this project.
var total = 0;
for (var tick = 0; ; tick++)
{
    total += LibB.Counter.Step();
    Console.WriteLine($"tick={tick} word={LibA.Greeting.Word()} total={total} mark={Marks.Current()}");
    Thread.Sleep(30);
}

static class Marks
{
    public static string Current() => "a";
}
