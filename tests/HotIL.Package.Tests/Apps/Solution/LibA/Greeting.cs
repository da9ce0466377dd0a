namespace LibA;

public static class Greeting
{
    public static string Word() => "hello";
}
