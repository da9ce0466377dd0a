using System.Reflection;
using HotIL.Tests.Support;
using HotIL.Weaver;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Tests;

public class WeaverTests
{
    private const string Source = """
        using System;
        namespace Sample;

        public static class Maths
        {
            public static int Add(int a, int b) => a + b;
            public static long Sum(int n) { long s = 0; for (var i = 1; i <= n; i++) s += Add(i, 0); return s; }
            public static string Describe(object o) => o switch { int i => $"int {i}", string s => $"string {s}", _ => "other" };
        }

        public class Account
        {
            private decimal _balance;
            public Account(decimal opening) { _balance = opening; Owner = "nobody"; }
            public string Owner { get; set; }
            public decimal Balance => _balance;
            public void Deposit(decimal amount) { if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount)); _balance += amount; }
            public override string ToString() => $"{Owner}: {_balance}";
        }

        public class Animal { public virtual string Sound() => "..."; public string Speak() => Sound() + "!"; }
        public class Dog : Animal { public override string Sound() => "woof"; }
        public class Puppy : Dog { public override string Sound() => base.Sound() + " (tiny)"; }

        public struct Vector
        {
            public double X, Y;
            public Vector(double x, double y) { X = x; Y = y; }
            public void Scale(double f) { X *= f; Y *= f; }
            public readonly double Length() => Math.Sqrt(X * X + Y * Y);
            public static Vector operator +(Vector a, Vector b) => new(a.X + b.X, a.Y + b.Y);
        }

        public static class Probe
        {
            public static double ScaledLength(double f) { var v = new Vector(3, 4); v.Scale(f); return v.Length(); }
            public static double Added() => (new Vector(1, 2) + new Vector(2, 2)).Length();
            public static string Chain() => new Puppy().Speak() + new Dog().Speak() + new Animal().Speak();
            public static string Account() { var a = new Account(10) { Owner = "ann" }; a.Deposit(5); return a.ToString(); }
            public static int Local(int x) { return Twice(x) + 1; static int Twice(int y) => y * 2; }
            public static int Lambda(int x) { Func<int, int> f = y => y * x; return f(3); }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Woven_code_returns_the_same_results_as_unwoven_code(bool optimize)
    {
        var plain = LoadPlain(optimize);
        var woven = new LiveProgram(Source, optimize);

        string[] probes = ["ScaledLength", "Added", "Chain", "Account", "Local", "Lambda"];
        foreach (var probe in probes)
        {
            object?[] args = probe switch { "ScaledLength" => [2.0], "Local" or "Lambda" => [7], _ => [] };
            woven.Call("Sample.Probe", probe, args).Should().Be(Invoke(plain, "Sample.Probe", probe, args), probe);
        }
        woven.Call("Sample.Maths", "Sum", 1000).Should().Be(500500L);
        woven.Call("Sample.Maths", "Describe", "x").Should().Be("string x");
    }

    [Fact]
    public void Every_eligible_method_of_optimized_code_forwards_through_a_slot_to_a_static_implementation()
    {
        var module = WeaveInMemory(out var result, optimize: true);
        result.BodiesGuardedInPlace.Should().BeFalse();
        var add = module.GetType("Sample.Maths").Methods.Single(m => m.Name == "Add");
        add.Body.Instructions.Select(i => i.OpCode.Code).Should().Contain([Code.Ldsfld, Code.Calli]);
        module.GetType("Sample.Maths").Methods.Should().Contain(m => m.Name == ImplNaming.ImplNameFor("Add") && m.IsStatic);

        var deposit = module.GetType("Sample.Account").Methods.Single(m => m.Name == "Deposit");
        deposit.IsVirtual.Should().BeFalse();
        var sound = module.GetType("Sample.Dog").Methods.Single(m => m.Name == "Sound");
        sound.IsVirtual.Should().BeTrue("the forwarder keeps the vtable slot");
        var scaleImpl = module.GetType("Sample.Vector").Methods.Single(m => m.Name == ImplNaming.ImplNameFor("Scale"));
        scaleImpl.Parameters[0].ParameterType.IsByReference.Should().BeTrue("struct receivers are passed by reference");

        result.Slots.Select(s => s.Key.DisplayName).Should().Contain(["Sample.Maths.Add(System.Int32,System.Int32)", "Sample.Account..ctor(System.Decimal)"]);
        result.Skipped.Should().NotContain(s => s.Key.Value.Contains("Maths"));
    }

    [Fact]
    public void Every_eligible_method_of_unoptimized_code_keeps_its_body_behind_a_guard_on_its_slot()
    {
        var module = WeaveInMemory(out var result, optimize: false);
        result.BodiesGuardedInPlace.Should().BeTrue();
        module.GetTypes().SelectMany(t => t.Methods).Should().NotContain(m => ImplNaming.IsImplName(m.Name), "no body moves out");

        var add = module.GetType("Sample.Maths").Methods.Single(m => m.Name == "Add");
        // The test first, the body right after it, and the call of a replaced body after the body's last instruction.
        var code = add.Body.Instructions.Select(i => i.OpCode.Code).ToList();
        code.Take(2).Should().Equal(Code.Ldsfld, Code.Brtrue_S);
        code.TakeLast(2).Should().Equal(Code.Calli, Code.Ret);
        code.IndexOf(Code.Add).Should().BeLessThan(code.IndexOf(Code.Calli));
        add.CustomAttributes.Should().NotContain(a => a.AttributeType.Name == "StackTraceHiddenAttribute", "the method is still the user's own code");
        add.AggressiveInlining.Should().BeFalse();

        var scale = module.GetType("Sample.Vector").Methods.Single(m => m.Name == "Scale");
        var site = (CallSite)scale.Body.Instructions.Single(i => i.OpCode == OpCodes.Calli).Operand;
        site.Parameters[0].ParameterType.IsByReference.Should().BeTrue("a replaced body gets the struct receiver by reference");
        result.Slots.Select(s => s.Key.DisplayName).Should().Contain(["Sample.Maths.Add(System.Int32,System.Int32)", "Sample.Account..ctor(System.Decimal)"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Debug_and_Release_builds_are_told_apart_even_when_no_reference_resolves(bool optimize)
    {
        var (image, _) = TestCompiler.Compile("Flavour", Source, optimize);
        using var resolvable = ModuleDefinition.ReadModule(new MemoryStream(image));
        using var unresolvable = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters { AssemblyResolver = new NothingResolves() });

        JitOptimization.IsOptimized(resolvable).Should().Be(optimize);
        JitOptimization.IsOptimized(unresolvable).Should().Be(optimize, "the DebuggingModes argument is read from the attribute's bytes");
    }

    private sealed class NothingResolves : IAssemblyResolver
    {
        public AssemblyDefinition Resolve(AssemblyNameReference name) => throw new AssemblyResolutionException(name);
        public AssemblyDefinition Resolve(AssemblyNameReference name, ReaderParameters parameters) => throw new AssemblyResolutionException(name);
        public void Dispose() { }
    }

    [Fact]
    public void A_handler_that_runs_to_the_end_of_a_guarded_method_ends_where_the_guard_appends_its_code()
    {
        var (image, pdb) = TestCompiler.Compile("Ends", "namespace S; public static class C { public static int Divide(int x) => 0; public static int Other(int x) => 42; }");
        var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        var divide = module.GetType("S.C").Methods.Single(m => m.Name == "Divide");
        WithHandlerAtTheEnd(divide);

        var result = AssemblyWeaver.Weave(module, null);
        result.BodiesGuardedInPlace.Should().BeTrue();
        var handler = divide.Body.ExceptionHandlers.Single();
        handler.HandlerEnd.Should().NotBeNull("the guard's appended code must stay outside the handler");
        divide.Body.Instructions.IndexOf(handler.HandlerEnd).Should().BeGreaterThan(divide.Body.Instructions.IndexOf(handler.HandlerStart));

        var woven = new MemoryStream();
        module.Write(woven);
        var assembly = new System.Runtime.Loader.AssemblyLoadContext("ends", isCollectible: true).LoadFromStream(new MemoryStream(woven.ToArray()));
        var type = assembly.GetType("S.C")!;
        int Divide(int x) => (int)type.GetMethod("Divide")!.Invoke(null, [x])!;
        (Divide(2), Divide(0)).Should().Be((5, -1));

        var accessor = HotIL.Loading.LoadedWorld.AccessorOf(assembly);
        accessor(result.Slots.Single(s => s.Key.Value.Contains("::Divide(")).Index) = type.GetMethod("Other")!.MethodHandle.GetFunctionPointer();
        Divide(2).Should().Be(42);
    }

    // int Divide(int x) { try { r = 10 / x; } catch (DivideByZeroException) { r = -1; } return r; }, with the handler last,
    // running to the end of the method as other compilers may place it.
    private static void WithHandlerAtTheEnd(MethodDefinition method)
    {
        var body = method.Body = new Mono.Cecil.Cil.MethodBody(method) { InitLocals = true };
        var result = new VariableDefinition(method.Module.TypeSystem.Int32);
        body.Variables.Add(result);
        var il = body.GetILProcessor();
        var done = il.Create(OpCodes.Ldloc, result);
        var tryStart = il.Create(OpCodes.Ldc_I4, 10);
        il.Append(tryStart);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Div);
        il.Emit(OpCodes.Stloc, result);
        il.Emit(OpCodes.Leave, done);
        il.Append(done);
        il.Emit(OpCodes.Ret);
        var handlerStart = il.Create(OpCodes.Pop);
        il.Append(handlerStart);
        il.Emit(OpCodes.Ldc_I4_M1);
        il.Emit(OpCodes.Stloc, result);
        il.Emit(OpCodes.Leave, done);
        body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Catch)
        {
            TryStart = tryStart, TryEnd = done, HandlerStart = handlerStart, HandlerEnd = null,
            CatchType = new TypeReference("System", "DivideByZeroException", method.Module, method.Module.TypeSystem.CoreLibrary),
        });
    }

    [Fact]
    public void Weaving_an_already_woven_module_changes_nothing()
    {
        var module = WeaveInMemory(out _, optimize: false);
        var count = module.GetTypes().Sum(t => t.Methods.Count);
        var again = AssemblyWeaver.Weave(module, null);
        again.AlreadyWoven.Should().BeTrue();
        module.GetTypes().Sum(t => t.Methods.Count).Should().Be(count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Repointing_a_slot_changes_what_every_caller_runs(bool optimize)
    {
        var program = new LiveProgram("""
            namespace Sample;
            public static class Ops
            {
                public static int Apply(int x) => x + 1;
                public static int Alternative(int x) => x * 100;
                public static int Twice(int x) => Apply(Apply(x));
            }
            """, optimize);
        program.Call("Sample.Ops", "Twice", 1).Should().Be(3);

        var accessor = HotIL.Loading.LoadedWorld.AccessorOf(program.Assembly);
        var index = program.Weave.Slots.Single(s => s.Key.Value.Contains("::Apply(")).Index;
        accessor(index).Should().Be(0, "a slot nothing has replaced is zero: the method runs its original body");
        // Optimized code keeps the body of Alternative in a static implementation; unoptimized code in the method itself.
        var alternative = program.Assembly.GetType("Sample.Ops")!.GetMethod(optimize ? ImplNaming.ImplNameFor("Alternative") : "Alternative",
            BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
        accessor(index) = alternative.MethodHandle.GetFunctionPointer();

        program.Call("Sample.Ops", "Twice", 1).Should().Be(10000);
        program.Call("Sample.Ops", "Apply", 2).Should().Be(200);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stack_trace_of_woven_code_shows_the_users_method_and_line(bool optimize)
    {
        var program = new LiveProgram("""
            namespace Sample;
            public class Thrower
            {
                public void Fail()
                {
                    throw new System.InvalidOperationException("boom");
                }
                public void Outer() => Fail();
            }
            """, optimize);
        var thrower = program.New("Sample.Thrower");
        var action = () => program.CallOn(thrower, "Outer");
        var trace = action.Should().Throw<InvalidOperationException>().Which.StackTrace!.Replace(ImplNaming.Marker, "");

        // Optimized code runs the body in a static implementation: the receiver shows as an explicit first parameter,
        // like an extension method's. Unoptimized code runs it in the method itself.
        var receiver = optimize ? "Thrower this" : "";
        trace.Should().Contain($"at Sample.Thrower.Fail({receiver}) in /src/Sample.cs:line 6");
        if (!optimize) trace.Should().Contain("at Sample.Thrower.Outer() in /src/Sample.cs:line 8", "optimized code may inline Outer");
        trace.Split('\n').Count(l => l.Contains("Thrower.Fail")).Should().Be(1, "forwarders are hidden from stack traces");
    }

    private static ModuleDefinition WeaveInMemory(out WeaveResult result, bool optimize)
    {
        var (image, _) = TestCompiler.Compile("Woven", Source, optimize);
        var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        result = AssemblyWeaver.Weave(module, null);
        return module;
    }

    private static Assembly LoadPlain(bool optimize)
    {
        var (image, _) = TestCompiler.Compile("Plain", Source, optimize);
        return new System.Runtime.Loader.AssemblyLoadContext("plain", isCollectible: true).LoadFromStream(new MemoryStream(image));
    }

    private static object? Invoke(Assembly assembly, string type, string method, object?[] args) =>
        assembly.GetType(type)!.GetMethod(method)!.Invoke(null, args);
}
