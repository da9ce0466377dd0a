using System.Reflection;
using HotIL.RealWorld.Tests.Support;
using HotIL.Weaver;
using Xunit.Abstractions;

namespace HotIL.RealWorld.Tests;

/// <summary>What weaving did to each real assembly, and that woven and original copies live side by side.</summary>
public sealed class SideBySideTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => [Subjects.NewtonsoftJson, Subjects.MonoCecil, Subjects.CodeAnalysis, Subjects.CodeAnalysisCSharp];

    [Theory]
    [MemberData(nameof(Names))]
    public void Woven_and_original_copies_of_the_same_assembly_load_side_by_side_in_separate_contexts(string name)
    {
        var subject = Subjects.Get(name);
        output.WriteLine(subject.Describe());
        using var woven = Side.Woven(subject);
        using var original = Side.Original(subject);

        var wovenAssembly = woven.Load(name);
        var originalAssembly = original.Load(name);
        wovenAssembly.GetName().FullName.Should().Be(originalAssembly.GetName().FullName, "weaving keeps the assembly's identity");
        wovenAssembly.Should().NotBeSameAs(originalAssembly);
        System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(wovenAssembly).Should().BeSameAs(woven.Context);
        System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(originalAssembly).Should().BeSameAs(original.Context);
        wovenAssembly.GetType(Registry.TypeName, throwOnError: false).Should().NotBeNull();
        originalAssembly.GetType(Registry.TypeName, throwOnError: false).Should().BeNull();

        // Every type loads on both sides, with the same public surface.
        var wovenTypes = wovenAssembly.GetTypes().Where(t => !AddedByWeaving(t)).ToList();
        var originalTypes = originalAssembly.GetTypes().Where(t => !AddedByWeaving(t)).ToList();
        wovenTypes.Select(t => t.FullName).Should().BeEquivalentTo(originalTypes.Select(t => t.FullName));
        foreach (var (w, o) in wovenTypes.Where(t => t.IsPublic).OrderBy(t => t.FullName).Zip(originalTypes.Where(t => t.IsPublic).OrderBy(t => t.FullName)))
            w.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => m.ToString())
                .Should().BeEquivalentTo(o.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => m.ToString()), w.FullName);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Woven_assembly_references_what_the_original_does_plus_HotIL_Runtime_only_for_its_generic_slot_holders(string name)
    {
        var subject = Subjects.Get(name);
        output.WriteLine(subject.Describe());
        output.WriteLine("references: " + string.Join(", ", subject.WovenReferences));

        // Registration (manifestPath given) would reference the runtime too; without it, only generic holders
        // do: they ask HotIL.Runtime's GenericSlots for each instantiation's pointer.
        var expected = subject.Result.GenericSlots.Count > 0 ? subject.OriginalReferences.Append(RuntimeContract.AssemblyName) : subject.OriginalReferences;
        subject.WovenReferences.Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_method_of_a_real_assembly_is_woven_or_skipped_with_a_reason(string name)
    {
        var subject = Subjects.Get(name);
        output.WriteLine(subject.Describe());
        foreach (var group in subject.Result.Skipped.GroupBy(s => s.Reason).OrderByDescending(g => g.Count()))
            output.WriteLine($"  skipped {group.Count(),6:N0}: {group.Key}");

        subject.WovenMethods.Should().BeGreaterThan(1_000);
        subject.Result.Skipped.Should().OnlyContain(s => !string.IsNullOrWhiteSpace(s.Reason));
        subject.Result.Slots.Select(s => s.Key).Concat(subject.Result.GenericSlots.Select(s => s.Key)).Should().OnlyHaveUniqueItems();
    }

    // The registry, generic slot holders, and the IgnoresAccessChecksTo attribute that lets the registry take private addresses.
    private static bool AddedByWeaving(Type type) =>
        type.Name.StartsWith("<HotIL>", StringComparison.Ordinal) || type.FullName == "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute";
}
