namespace App;

public static class Extras
{
    public static string Describe() => "none";
}
