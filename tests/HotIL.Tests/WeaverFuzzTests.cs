using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using CsCheck;
using HotIL.Tests.Support;
using HotIL.Weaver;
using Xunit.Abstractions;

namespace HotIL.Tests;

/// <summary>
/// Mutated assemblies fed to the weaver: the only acceptable outcomes are a woven assembly that
/// loads, or a clean HOTILnnnn diagnostic with the input left as it was. The weaver does not
/// validate what the compiler wrote, so a mutation that leaves an assembly Cecil can read but the
/// runtime cannot load is passed through as it is: the test then requires the unwoven input to fail
/// to load the same way (weaving must never be what breaks loading). Mutated PDBs next to an intact
/// assembly may cost line information (HOTIL0003), never the build. A short run is part of the
/// suite; HOTIL_FUZZ_ITERATIONS=N runs a long one.
/// </summary>
public sealed class WeaverFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        namespace Fuzz;
        public interface IShape { double Area(); }
        public record Circle(double R) : IShape { public double Area() => Math.PI * R * R; }
        public struct Box<T> { public T Value; public void Set(T v) => Value = v; }
        public abstract class Animal { public abstract string Sound(); public virtual string Name => "animal"; }
        public sealed class Dog : Animal { public override string Sound() => "woof"; public override string Name => "dog"; }
        public static class Ops
        {
            public static int Sum(IEnumerable<int> xs) => xs.Where(x => x > 0).Sum();
            public static async Task<int> Later(int x) { await Task.Yield(); return x * 2; }
            public static IEnumerable<int> Count(int n) { for (var i = 0; i < n; i++) yield return i; }
            public static string Describe(object o) => o switch { int i when i > 10 => "big", int => "int", string s => s, _ => "?" };
            public static T Max<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;
            public static int Try(string s) { try { return int.Parse(s); } catch (FormatException) { return -1; } finally { } }
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("hotil-fuzz-").FullName;

    [Fact]
    public void Mutated_assemblies_are_woven_into_loadable_assemblies_or_rejected_with_a_diagnostic() =>
        Fuzz(mutatePdb: false, Acceptable).Should().BeEmpty();

    // The assembly is intact, so the build must go on: a PDB Cecil cannot use costs line information (HOTIL0003), never
    // the build, and never the process (a corrupt PDB used to make Cecil allocate gigabytes).
    [Fact]
    public void Mutated_debug_symbols_cost_at_most_the_line_information_never_the_build() =>
        Fuzz(mutatePdb: true, outcome => outcome is "woven and loaded" or "woven without line information (HOTIL0003) and loaded").Should().BeEmpty();

    // The suite replays the same 120 inputs every run; a long run on demand draws fresh ones (or replays
    // HOTIL_FUZZ_SEED). CsCheck's Sample only fixes the first input of a seeded run, so the inputs come from
    // one generator state, and each reports the state it was drawn from so a finding can be replayed alone.
    private List<string> Fuzz(bool mutatePdb, Func<string, bool> acceptable)
    {
        var onDemand = int.TryParse(Environment.GetEnvironmentVariable("HOTIL_FUZZ_ITERATIONS"), out var n);
        var iterations = onDemand ? n : 120;
        var seed = Environment.GetEnvironmentVariable("HOTIL_FUZZ_SEED") ?? (onDemand ? null : "5K9z3kr_oWf1");
        var pcg = seed != null ? PCG.Parse(seed) : new PCG((uint)Environment.ProcessId);
        var (image, pdb) = TestCompiler.Compile("Fuzz", Source, optimize: true);
        var original = mutatePdb ? pdb : image;
        var outcomes = new Dictionary<string, int>();
        var findings = new List<string>();

        var mutation = Gen.Select(Gen.Int[0, original.Length - 1].Array[1, 12], Gen.Byte.Array[12], Gen.Int[0, 20]);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var state = pcg.ToString(pcg.State);
            var (positions, values, truncate) = mutation.Generate(pcg, null, out _);
            var mutated = (byte[])original.Clone();
            for (var i = 0; i < positions.Length; i++) mutated[positions[i]] = values[i];
            if (truncate == 0) mutated = mutated[..(positions[0] + 1)];

            string outcome;
            try
            {
                outcome = mutatePdb ? WeaveOnce(image, mutated) : WeaveOnce(mutated, pdb);
            }
            // Long runs cap the heap (DOTNET_GCHeapHardLimit), so an input that would exhaust memory throws instead.
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                outcome = $"weaving threw {e.GetType().Name} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (!acceptable(outcome)) findings.Add($"{outcome} (input {(mutatePdb ? Keep(image, mutated) : Keep(mutated, pdb))}, HOTIL_FUZZ_SEED={state} HOTIL_FUZZ_ITERATIONS=1)");
        }

        output.WriteLine($"{iterations} mutated {(mutatePdb ? "PDBs" : "assemblies")} ({original.Length} bytes each before mutation): " +
            string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} ×{o.Value}")));
        findings.ForEach(output.WriteLine);
        return findings;
    }

    private static bool Acceptable(string outcome) => outcome == "woven and loaded"
        || outcome.StartsWith("woven without line information", StringComparison.Ordinal) || outcome.StartsWith("HOTIL", StringComparison.Ordinal) || outcome.StartsWith("input itself is invalid", StringComparison.Ordinal);

    // A finding outlives the test's directory, as the pair the weaver was given, so it can be examined and turned
    // into a case of its own.
    private static string Keep(byte[] assembly, byte[] pdb)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hotil-fuzz-findings")).FullName;
        var name = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData([.. assembly, .. pdb]))[..16];
        File.WriteAllBytes(Path.Combine(directory, name + ".dll"), assembly);
        File.WriteAllBytes(Path.Combine(directory, name + ".pdb"), pdb);
        return Path.Combine(directory, name + ".dll");
    }

    // Mutations found by long runs that made Cecil's reader exhaust memory or the stack and the process
    // die, before ImageValidation (docs/security.md). Each is located through the metadata, not at a fixed offset.
    [Theory]
    [InlineData("nested class row count")]
    [InlineData("metadata stream count")]
    [InlineData("unterminated stream name")]
    [InlineData("generic arity")]
    [InlineData("type specification naming itself")]
    [InlineData("type nested in itself")]
    public void Inputs_that_made_Cecil_kill_the_process_are_rejected_before_it_reads_them(string mutation)
    {
        var (image, pdb) = TestCompiler.Compile("Fuzz", Source, optimize: true);
        var mutated = Mutate(image, mutation, out var probe);

        // Guard and wiring are proven on inputs Cecil survives first, so a regression fails the test instead of
        // handing Cecil the input that kills the test host.
        ImageValidation.FindProblem(mutated).Should().NotBeNull();
        Rejection(probe, pdb).Message.Should().Contain("exceeds", "weaving runs the validation before Cecil reads the file");

        var rejection = Rejection(mutated, pdb);
        rejection.Id.Should().Be(DiagnosticIds.UnreadableAssembly);
        rejection.Message.Should().EndWith("it was left unchanged");
        output.WriteLine($"{mutation}: {rejection.Message}");
    }

    // The class of input long runs found woven into assemblies that do not load (docs/security.md): a generic parameter
    // given to another owner, or numbered out of sequence. The unwoven input loads until something touches the owner;
    // the woven one fails as a whole, so the build must stop at the input instead.
    [Theory]
    [InlineData("moved from Box<T> to <Module>", "Box`1", "type arguments where it has 0")]
    [InlineData("numbered 1 on Max<T>", "Max", "is number 1 where 0 comes next")]
    public void Generic_parameters_given_to_another_owner_or_misnumbered_fail_the_build_with_the_input_intact(string mutation, string owner, string problem)
    {
        var (image, pdb) = TestCompiler.Compile("Fuzz", Source, optimize: true);
        using (var pe = new PEReader(ImmutableArray.Create(image)))
        {
            var metadata = pe.GetMetadataReader();
            var row = Enumerable.Range(1, metadata.GetTableRowCount(TableIndex.GenericParam))
                .Single(r => OwnerName(metadata, metadata.GetGenericParameter(MetadataTokens.GenericParameterHandle(r)).Parent) == owner);
            var offset = RowOffset(metadata, pe.PEHeaders.MetadataStartOffset, TableIndex.GenericParam, row);
            // Number (2 bytes), Flags (2 bytes), Owner (a 2-byte coded index in a module this small).
            if (mutation.StartsWith("moved", StringComparison.Ordinal)) BitConverter.TryWriteBytes(image.AsSpan(offset + 4, 2), (ushort)(1 << 1));
            else BitConverter.TryWriteBytes(image.AsSpan(offset, 2), (ushort)1);
        }

        RejectedBeforeCecil(image, pdb, problem, mutation);
    }

    // Found by a 60,000-input run (two inputs): a member reference's signature names a class as a value type. The input
    // loads, since the reference only fails where it is called; but Cecil marks the type a value type for the whole
    // module, so the woven image names it so in correct signatures too (IEnumerable.GetEnumerator returning a value
    // type) and fails to load its iterator.
    [Fact]
    public void A_member_reference_naming_a_class_as_a_value_type_fails_the_build_with_the_input_intact()
    {
        var (image, pdb) = TestCompiler.Compile("Fuzz", Source, optimize: true);
        using (var pe = new PEReader(ImmutableArray.Create(image)))
        {
            var metadata = pe.GetMetadataReader();
            var enumerator = metadata.TypeReferences.Single(t => metadata.GetString(metadata.GetTypeReference(t).Name) == "IEnumerator");
            // Type.GetTypeFromHandle(RuntimeTypeHandle), which records call for their EqualityContract: DEFAULT, 1
            // parameter, CLASS System.Type, VALUETYPE RuntimeTypeHandle. Its parameter becomes IEnumerator.
            var reference = metadata.MemberReferences.Select(metadata.GetMemberReference).Single(m => metadata.GetString(m.Name) == "GetTypeFromHandle");
            var blob = metadata.GetBlobReader(reference.Signature);
            blob.ReadSignatureHeader();
            blob.ReadCompressedInteger();
            blob.ReadSignatureTypeCode();
            blob.ReadTypeHandle();
            blob.ReadByte().Should().Be(0x11, "the parameter is a value type");
            var tokenAt = BlobOffset(metadata, pe.PEHeaders.MetadataStartOffset, reference.Signature) + blob.Offset;
            var coded = MetadataTokens.GetRowNumber(enumerator) << 2 | 1; // TypeDefOrRef: a TypeRef
            var width = blob.ReadCompressedInteger() < 0x80 ? 1 : 2;
            coded.Should().BeLessThan(width == 1 ? 0x80 : 0x4000);
            if (width == 1) image[tokenAt] = (byte)coded;
            else (image[tokenAt], image[tokenAt + 1]) = ((byte)(0x80 | coded >> 8), (byte)coded);
        }

        LoadFailure(image, checkTypeReferences: true).Should().BeNull("the unwoven input loads");
        RejectedBeforeCecil(image, pdb, "both as a value type and as a class", "class named as a value type");
    }

    // The validation names the problem, and the weave stops there with HOTIL0001 and the input intact.
    private void RejectedBeforeCecil(byte[] image, byte[] pdb, string problem, string mutation)
    {
        ImageValidation.FindProblem(image).Should().Contain(problem, mutation);
        var rejection = Rejection(image, pdb);
        rejection.Id.Should().Be(DiagnosticIds.UnreadableAssembly);
        output.WriteLine($"{mutation}: {rejection.Message}");
    }

    private static int RowOffset(MetadataReader metadata, int root, TableIndex table, int row) =>
        root + metadata.GetTableMetadataOffset(table) + (row - 1) * metadata.GetTableRowSize(table);

    // Found by a 100,000-input run (5 inputs), each fatal only to the woven image: a member reference given a method
    // definition as its parent (Cecil makes it a member of the method's type), and a generic parameter given an owner
    // past the end of its table ("The signature is incorrect").
    [Theory]
    [InlineData("member reference parented by a method", "without being a vararg call")]
    [InlineData("generic parameter owned past the type table", "past the end of its table")]
    public void References_the_runtime_resolves_only_when_used_but_Cecil_rewrites_fail_the_build_with_the_input_intact(string mutation, string problem)
    {
        var (image, pdb) = TestCompiler.Compile("Fuzz", Source, optimize: true);
        using (var pe = new PEReader(ImmutableArray.Create(image)))
        {
            var metadata = pe.GetMetadataReader();
            var root = pe.PEHeaders.MetadataStartOffset;
            // Both coded indexes are 2 bytes wide in a module this small, and lead their rows.
            if (mutation.StartsWith("member", StringComparison.Ordinal))
            {
                var reference = metadata.MemberReferences.First(r => metadata.GetString(metadata.GetMemberReference(r).Name) == "get_Default");
                var row = RowOffset(metadata, root, TableIndex.MemberRef, MetadataTokens.GetRowNumber(reference));
                BitConverter.TryWriteBytes(image.AsSpan(row, 2), (ushort)(3 << 3 | 3)); // MemberRefParent: MethodDef row 3
            }
            else
            {
                var row = RowOffset(metadata, root, TableIndex.GenericParam, metadata.GetTableRowCount(TableIndex.GenericParam));
                BitConverter.TryWriteBytes(image.AsSpan(row + 4, 2), (ushort)((metadata.GetTableRowCount(TableIndex.TypeDef) + 50) << 1)); // TypeOrMethodDef: a TypeDef
            }
        }

        RejectedBeforeCecil(image, pdb, problem, mutation);
    }

    [Fact]
    public void A_vararg_call_that_names_its_method_as_the_reference_parent_passes_the_validation()
    {
        var (image, _) = TestCompiler.Compile("Varargs", """
            public static class Log
            {
                public static int Count(__arglist) => new System.ArgIterator(__arglist).GetRemainingCount();
                public static int Two() => Count(__arglist(1, "two"));
            }
            """);
        using (var pe = new PEReader(ImmutableArray.Create(image)))
        {
            var metadata = pe.GetMetadataReader();
            metadata.MemberReferences.Select(metadata.GetMemberReference).Should().Contain(r => r.Parent.Kind == HandleKind.MethodDefinition);
        }
        ImageValidation.FindProblem(image).Should().BeNull();
    }

    private static string OwnerName(MetadataReader metadata, EntityHandle owner) => owner.Kind == HandleKind.TypeDefinition
        ? metadata.GetString(metadata.GetTypeDefinition((TypeDefinitionHandle)owner).Name)
        : metadata.GetString(metadata.GetMethodDefinition((MethodDefinitionHandle)owner).Name);

    // The bytes each mutation changes, and as a probe a harmless over-count that only the validation rejects.
    private static byte[] Mutate(byte[] image, string mutation, out byte[] probe)
    {
        using var pe = new PEReader(ImmutableArray.Create(image));
        var metadata = pe.GetMetadataReader();
        var root = pe.PEHeaders.MetadataStartOffset;
        var arity = GenericArityOffset(metadata, root);
        image[arity].Should().Be(1);
        probe = (byte[])image.Clone();
        probe[arity] = 0x7F; // 127 type arguments in a blob with one byte left

        var mutated = (byte[])image.Clone();
        switch (mutation)
        {
            case "nested class row count":
                // 0x47000003 rows: MetadataReader.InitializeNestedTypes sizes a dictionary by it and the runtime aborts.
                var rows = RowCountOffset(metadata, root, TableIndex.NestedClass);
                BitConverter.ToInt32(image, rows).Should().Be(metadata.GetTableRowCount(TableIndex.NestedClass));
                mutated[rows + 3] = 0x47;
                break;
            case "metadata stream count":
                // 0xEA05 streams: ImageReader.ReadMetadata walks into garbage headers and allocates each one's size.
                var count = root + 16 + BitConverter.ToInt32(image, root + 12) + 2;
                BitConverter.ToUInt16(image, count).Should().Be(5);
                mutated[count + 1] = 0xEA;
                break;
            case "unterminated stream name":
                // "#US" runs into the next header: System.Reflection.Metadata still accepts the headers, while Cecil
                // reads a stream of 1.2 GB from the bytes after it.
                var name = image.AsSpan(root, pe.PEHeaders.MetadataSize).IndexOf("#US\0"u8);
                name.Should().BePositive();
                mutated[root + name + 3] = (byte)'x';
                break;
            case "generic arity":
                // IEnumerable<int> in Sum's signature gets about 487 million type arguments (0xDD starts a 4-byte
                // integer): SignatureReader adds a placeholder generic parameter for each until memory runs out.
                mutated[arity] = 0xDD;
                break;
            case "type specification naming itself":
                // Its generic type becomes itself: MetadataReader.GetTypeSpecification recurses until the stack overflows.
                var (token, self) = SelfNamingTypeSpec(metadata, root);
                mutated[token] = self;
                break;
            case "type nested in itself":
                // Its enclosing type becomes itself: TypeDefinition.ClearFullName recurses through enclosing types until
                // the stack overflows (found by a 100,000-input run). Two 2-byte TypeDef indexes: nested, then enclosing.
                var nesting = root + metadata.GetTableMetadataOffset(TableIndex.NestedClass);
                metadata.GetTableRowSize(TableIndex.NestedClass).Should().Be(4);
                mutated[nesting + 2] = image[nesting];
                mutated[nesting + 3] = image[nesting + 1];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation));
        }
        return mutated;
    }

    // Row counts precede the first table, one 4-byte count per present table in table order.
    private static int RowCountOffset(MetadataReader metadata, int root, TableIndex table) =>
        root + metadata.GetTableMetadataOffset(TableIndex.Module)
        - 4 * Enum.GetValues<TableIndex>().Distinct().Count(t => t >= table && metadata.GetTableRowCount(t) > 0);

    // Sum(IEnumerable<int>): header, parameter count, int, then GENERICINST CLASS type-token arity.
    private static int GenericArityOffset(MetadataReader metadata, int root)
    {
        var sum = metadata.MethodDefinitions.Select(metadata.GetMethodDefinition).Single(m => metadata.GetString(m.Name) == "Sum");
        var blob = metadata.GetBlobReader(sum.Signature);
        blob.ReadSignatureHeader();
        blob.ReadCompressedInteger();
        blob.ReadSignatureTypeCode();
        blob.ReadSignatureTypeCode().Should().Be(SignatureTypeCode.GenericTypeInstance);
        blob.ReadCompressedInteger();
        blob.ReadTypeHandle();
        return BlobOffset(metadata, root, sum.Signature) + blob.Offset;
    }

    // The first type specification instantiating a generic named by a one-byte token (GENERICINST, CLASS or
    // VALUETYPE, token, ...), and the one-byte token that names that type specification itself.
    private static (int Offset, byte Self) SelfNamingTypeSpec(MetadataReader metadata, int root)
    {
        for (var row = 1; row < 32; row++)
        {
            var signature = metadata.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).Signature;
            var bytes = metadata.GetBlobBytes(signature);
            if (bytes is [0x15, _, < 0x80, ..]) return (BlobOffset(metadata, root, signature) + 2, (byte)(row << 2 | 2));
        }
        throw new InvalidOperationException("no generic instantiation among the first type specifications");
    }

    private static int BlobOffset(MetadataReader metadata, int root, BlobHandle blob)
    {
        const int lengthPrefix = 1; // a blob shorter than 128 bytes
        metadata.GetBlobBytes(blob).Length.Should().BeLessThan(128);
        return root + metadata.GetHeapMetadataOffset(HeapIndex.Blob) + MetadataTokens.GetHeapOffset(blob) + lengthPrefix;
    }

    private WeaveException Rejection(byte[] input, byte[] pdb)
    {
        var dll = WriteInput(input, pdb);
        var weave = () => Weave(dll);
        var rejection = weave.Should().Throw<WeaveException>().Which;
        File.ReadAllBytes(dll).Should().Equal(input, "a failed weave leaves the input as it was");
        return rejection;
    }

    // One input: a diagnostic must leave the file untouched; a woven result must load and list its types.
    private string WeaveOnce(byte[] input, byte[] pdb)
    {
        var dll = WriteInput(input, pdb);
        FileWeaveOutcome outcome;
        try
        {
            outcome = Weave(dll);
            if (outcome.Result.AlreadyWoven) return "HOTIL (already woven)";
        }
        catch (WeaveException e)
        {
            File.ReadAllBytes(dll).Should().Equal(input, "a failed weave leaves the input as it was");
            return e.Id;
        }
        var woven = LoadFailure(File.ReadAllBytes(dll), checkTypeReferences: false);
        if (woven == null) return outcome.Warnings.Any(w => w.Id == DiagnosticIds.SymbolsNotMatching) ? "woven without line information (HOTIL0003) and loaded" : "woven and loaded";
        var original = LoadFailure(input, checkTypeReferences: true);
        return original != null ? $"input itself is invalid ({original.Split(':')[0]}), kept as it was" : $"woven but does not load: {woven}";
    }

    private string WriteInput(byte[] input, byte[] pdb)
    {
        var dll = Path.Combine(_directory, "Fuzz.dll");
        File.WriteAllBytes(dll, input);
        File.WriteAllBytes(Path.ChangeExtension(dll, ".pdb"), pdb);
        return dll;
    }

    private FileWeaveOutcome Weave(string dll) =>
        WovenAssemblyFile.Weave(dll, Path.Combine(_directory, "Fuzz.hotil.json"),
            r => new Manifest { AssemblyName = "Fuzz", ProjectDirectory = _directory, CompilerArguments = [], Slots = r.Slots.Select(s => s.Key.Value).ToArray() });

    // Whether the runtime rejects the image when it loads its types. For the input, also whether it
    // names a type that does not exist: the runtime meets those only when it compiles a method, and
    // compiling mutated IL in this process can take the process down.
    private static string? LoadFailure(byte[] image, bool checkTypeReferences)
    {
        if (checkTypeReferences && MissingTypeReference(image) is { } missing) return $"TypeLoadException: {missing}";
        var context = new AssemblyLoadContext("fuzz", isCollectible: true);
        try
        {
            context.LoadFromStream(new MemoryStream(image)).GetTypes();
            return null;
        }
        catch (System.Reflection.ReflectionTypeLoadException e)
        {
            return $"{e.GetType().Name}: {e.LoaderExceptions.FirstOrDefault()?.Message}";
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
        finally
        {
            context.Unload();
        }
    }

    private static string? MissingTypeReference(byte[] image)
    {
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(new MemoryStream(image));
        return module.GetTypeReferences()
            .Where(t => t.Scope is Mono.Cecil.AssemblyNameReference)
            .Select(t => t.FullName.Replace('/', '+') + ", " + ((Mono.Cecil.AssemblyNameReference)t.Scope).FullName)
            .FirstOrDefault(name => !Resolves(name));
    }

    // throwOnError: false still throws when a mutation leaves a name that does not parse.
    private static bool Resolves(string typeName)
    {
        try
        {
            return Type.GetType(typeName, throwOnError: false) != null;
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return false;
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
