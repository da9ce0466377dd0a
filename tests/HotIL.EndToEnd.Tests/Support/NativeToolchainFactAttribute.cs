namespace HotIL.EndToEnd.Tests.Support;

/// <summary>
/// A test that links a native AOT executable, which needs clang (the .NET SDK's linker driver on Linux and macOS). Where
/// clang is not on PATH the test is reported as skipped with that reason, never passed.
/// </summary>
public sealed class NativeToolchainFactAttribute : FactAttribute
{
    public NativeToolchainFactAttribute()
    {
        if (!OperatingSystem.IsWindows() && !OnPath("clang"))
            Skip = "native AOT needs clang to link, and clang is not on PATH here (Debian: apt-get install clang lld zlib1g-dev); the build side is checked by the other no-JIT tests";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
