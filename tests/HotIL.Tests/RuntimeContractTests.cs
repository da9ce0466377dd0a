using HotIL.Weaver;

namespace HotIL.Tests;

/// <summary>The weaver names runtime members by string; these tests keep the two sides in step.</summary>
public class RuntimeContractTests
{
    [Fact]
    public void Registration_entry_point_named_by_the_weaver_exists_in_the_runtime()
    {
        var runtime = typeof(HotReload).Assembly;
        runtime.GetName().Name.Should().Be(RuntimeContract.AssemblyName);
        runtime.GetName().Version.Should().Be(RuntimeContract.AssemblyVersion);
        var facade = runtime.GetType($"{RuntimeContract.Namespace}.{RuntimeContract.RegistrationType}");
        facade!.GetMethod(RuntimeContract.RegisterMethod, [typeof(Type), typeof(string)]).Should().NotBeNull();
    }

    [Fact]
    public void Tombstone_exception_named_by_the_weaver_has_the_constructor_tombstones_call()
    {
        var type = typeof(HotReload).Assembly.GetType($"{RuntimeContract.Namespace}.{RuntimeContract.RemovedMethodExceptionType}");
        type!.GetConstructor([typeof(string), typeof(int)]).Should().NotBeNull();
    }
}
