namespace LibB;

public static class Counter
{
    public static int Step() => 1;
}
