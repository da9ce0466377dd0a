namespace Lib;

public static class Greeter
{
    public static string Greet(string name) => $"hello-{name}";
}
