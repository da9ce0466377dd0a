using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Gives fields added to a loaded class a home in the patch: a static field for a static field;
/// for an instance field, side storage keyed by object identity (the runtime's <c>AddedField</c>)
/// behind two accessors. The field's initializer is lifted out of the recompiled constructor (or
/// static constructor), so objects that existed before the edit read its value, not a silent zero.
/// </summary>
internal sealed class AddedFieldStorage(ModuleDefinition module, Retargeter retargeter)
{
    /// <summary>Members the stand-in keeps besides new bodies.</summary>
    public HashSet<IMemberDefinition> Members { get; } = [];

    /// <summary>Methods whose bodies still need retargeting.</summary>
    public List<MethodDefinition> Bodies { get; } = [];

    /// <summary>
    /// Fields of <paramref name="type"/> that a constructor stores but whose initial value cannot be computed on its
    /// own, because it comes from the constructor's parameters or flows through its code (a primary constructor
    /// parameter the class keeps, <c>int _x = p * 2;</c>, a record's positional member, a static field assigned in the
    /// static constructor's body), each with the names of the constructor parameters its value is computed from, or
    /// <see cref="OtherState"/> when it depends on more than parameters.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ConstructorOnlyFields(TypeDefinition type)
    {
        var found = new Dictionary<string, IReadOnlyList<string>>();
        var staticConstructor = type.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic && m.HasBody);
        var constructors = type.Methods.Where(m => m.IsConstructor && !m.IsStatic && m.HasBody && !ChainsToThis(m) && !IsCopyConstructor(m)).ToList();
        foreach (var field in type.Fields.Where(f => !f.IsLiteral))
        {
            var (methods, store) = field.IsStatic ? (staticConstructor == null ? [] : new List<MethodDefinition> { staticConstructor }, Code.Stsfld) : (constructors, Code.Stfld);
            var sources = new List<string>();
            foreach (var method in methods.Where(m => Stores(m, field, store) && InitializerRun(m, field, store, startsWithThis: !field.IsStatic) == null))
                sources.AddRange(ParametersRead(method, field, store));
            if (sources.Count > 0 || methods.Any(m => Stores(m, field, store) && InitializerRun(m, field, store, startsWithThis: !field.IsStatic) == null))
                found[field.Name] = sources.Distinct().ToArray();
        }
        return found;
    }

    /// <summary>Stands for what a constructor computes other than from its parameters.</summary>
    public const string OtherState = "*";

    /// <summary>Names of the parameters of <paramref name="type"/>'s constructors (not the compiler's copy constructor of a record).</summary>
    public static IReadOnlyList<string> ConstructorParameters(TypeDefinition type) =>
        type.Methods.Where(m => m.IsConstructor && !m.IsStatic && !IsCopyConstructor(m)).SelectMany(m => m.Parameters).Select(p => p.Name).Distinct().ToArray();

    // The parameters read by the code that computes the value stored into field (from the previous store on): a
    // constructor's own state beyond them (a local, a call result of this) shows as OtherState.
    private static IEnumerable<string> ParametersRead(MethodDefinition method, FieldDefinition field, Code store)
    {
        var code = method.Body.Instructions;
        var end = code.ToList().FindIndex(i => i.OpCode.Code == store && Names(i.Operand, field));
        var start = code.Take(end).ToList().FindLastIndex(i => i.OpCode.Code is Code.Stfld or Code.Stsfld or Code.Call && (i.Operand as MemberReference)?.DeclaringType.GetElementType() == field.DeclaringType) + 1;
        var read = new List<string>();
        foreach (var i in code.Skip(start).Take(end - start))
        {
            if (i.OpCode.Code is Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3 or Code.Ldloca or Code.Ldloca_S) read.Add(OtherState);
            var index = i.OpCode.Code switch
            {
                Code.Ldarg_1 => 0, Code.Ldarg_2 => 1, Code.Ldarg_3 => 2,
                Code.Ldarg or Code.Ldarg_S or Code.Ldarga or Code.Ldarga_S when i.Operand is ParameterDefinition p => p.Index,
                _ => -1,
            };
            if (index >= 0 && index < method.Parameters.Count) read.Add(method.Parameters[index].Name);
        }
        return read.Count == 0 ? [OtherState] : read;
    }

    // A record's compiler-made copy constructor takes the record itself and copies every field.
    private static bool IsCopyConstructor(MethodDefinition constructor) =>
        constructor.Parameters.Count == 1 && constructor.Parameters[0].ParameterType.FullName == constructor.DeclaringType.FullName;

    /// <summary>Creates homes for <paramref name="fields"/> of <paramref name="owner"/> (a type of the recompiled module).</summary>
    public IEnumerable<((string, string) Key, AddedFieldHome Home)> Create(TypeDefinition owner, IReadOnlyList<AddedFieldChange> fields)
    {
        var staticConstructor = owner.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic);
        var constructor = owner.Methods.FirstOrDefault(m => m.IsConstructor && !m.IsStatic && !ChainsToThis(m) && !IsCopyConstructor(m));
        var setup = NewStaticConstructor(owner);
        var il = setup.Body.GetILProcessor();
        var homes = new List<((string, string), AddedFieldHome)>();
        foreach (var change in fields)
        {
            var field = owner.Fields.Single(f => f.Name == change.Name);
            var home = change.IsStatic
                ? StaticHome(field, staticConstructor, il)
                : InstanceHome(owner, field, change.StartsAtDefault ? null : constructor, il);
            homes.Add(((owner.FullName, change.Name), home));
        }
        if (staticConstructor != null) owner.Methods.Remove(staticConstructor);
        owner.Methods.Add(setup);
        il.Emit(OpCodes.Ret);
        Members.Add(setup);
        Bodies.Add(setup);
        return homes;
    }

    private AddedFieldHome StaticHome(FieldDefinition field, MethodDefinition? staticConstructor, ILProcessor setup)
    {
        Members.Add(field);
        var run = staticConstructor == null ? null : InitializerRun(staticConstructor, field, Code.Stsfld, startsWithThis: false);
        if (run != null)
        {
            var landing = setup.Create(OpCodes.Stsfld, Own(field));
            foreach (var i in InstructionCloner.Clone(run.Value.Run, run.Value.Store, landing, setup.Body)) setup.Append(i);
            setup.Append(landing);
        }
        else if (staticConstructor != null && Stores(staticConstructor, field, Code.Stsfld)) throw CannotLift(field);
        return new AddedFieldHome(field, null, null);
    }

    private AddedFieldHome InstanceHome(TypeDefinition owner, FieldDefinition field, MethodDefinition? constructor, ILProcessor setup)
    {
        var ownerType = retargeter.Type(MethodSplitter.SelfType(owner));
        var valueType = retargeter.Type(field.FieldType);
        var storageType = StorageType(ownerType, valueType);
        var storage = new FieldDefinition(field.Name, FieldAttributes.Assembly | FieldAttributes.Static | FieldAttributes.InitOnly, storageType);
        // The user's field stays until the stand-in is made: instructions still name it until they are retargeted.
        owner.Fields.Add(storage);
        Members.Add(storage);

        var initializer = Initializer(owner, field, constructor, valueType);
        var core = new CoreLibrary(module);
        var func = new GenericInstanceType(core.Type("System", "Func`1").WithGenericParameters(1));
        func.GenericArguments.Add(valueType);
        setup.Emit(OpCodes.Ldnull);
        setup.Emit(OpCodes.Ldftn, Own(initializer));
        setup.Emit(OpCodes.Newobj, core.Method(func, ".ctor", module.TypeSystem.Void, hasThis: true, module.TypeSystem.Object, module.TypeSystem.IntPtr));
        var funcOfValue = new GenericInstanceType(func.ElementType);
        funcOfValue.GenericArguments.Add(((GenericInstanceType)storageType).ElementType.GenericParameters[1]);
        setup.Emit(OpCodes.Newobj, core.Method(storageType, ".ctor", module.TypeSystem.Void, hasThis: true, funcOfValue));
        setup.Emit(OpCodes.Stsfld, Own(storage));

        var element = ((GenericInstanceType)storageType).ElementType;
        var reference = Accessor(owner, field.Name, new ByReferenceType(valueType), ownerType, null, storage,
            core.Method(storageType, "Of", new ByReferenceType(element.GenericParameters[1]), hasThis: true, element.GenericParameters[0]));
        var store = Accessor(owner, field.Name, module.TypeSystem.Void, ownerType, valueType, storage,
            core.Method(storageType, "Set", module.TypeSystem.Void, hasThis: true, element.GenericParameters[0], element.GenericParameters[1]));
        return new AddedFieldHome(null, reference, store);
    }

    // static ref T Name(Owner self) / static void Name(Owner self, T value): the storage call, nothing else.
    private MethodDefinition Accessor(TypeDefinition owner, string name, TypeReference returnType, TypeReference ownerType,
        TypeReference? valueType, FieldDefinition storage, MethodReference call)
    {
        var method = new MethodDefinition(name, MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, returnType);
        method.Parameters.Add(new ParameterDefinition("owner", ParameterAttributes.None, ownerType));
        if (valueType != null) method.Parameters.Add(new ParameterDefinition("value", ParameterAttributes.None, valueType));
        var il = method.Body.GetILProcessor();
        il.Emit(OpCodes.Ldsfld, Own(storage));
        for (var i = 0; i < method.Parameters.Count; i++) il.Emit(OpCodes.Ldarg, method.Parameters[i]);
        il.Emit(OpCodes.Callvirt, call);
        il.Emit(OpCodes.Ret);
        method.Body.OptimizeMacros();
        owner.Methods.Add(method);
        Members.Add(method);
        return method;
    }

    // static T Name() => <the initializer expression>, or default(T) when there is none.
    private MethodDefinition Initializer(TypeDefinition owner, FieldDefinition field, MethodDefinition? constructor, TypeReference valueType)
    {
        var method = new MethodDefinition(ImplNaming.ImplNameFor(field.Name), MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, field.FieldType);
        owner.Methods.Add(method);
        Members.Add(method);
        var il = method.Body.GetILProcessor();
        var run = constructor == null ? null : InitializerRun(constructor, field, Code.Stfld, startsWithThis: true);
        if (run != null)
        {
            var landing = il.Create(OpCodes.Ret);
            foreach (var i in InstructionCloner.Clone(run.Value.Run, run.Value.Store, landing, method.Body)) il.Append(i);
            il.Append(landing);
            Bodies.Add(method);
            return method;
        }
        if (constructor != null && Stores(constructor, field, Code.Stfld)) throw CannotLift(field);
        method.ReturnType = valueType;
        var value = new VariableDefinition(valueType);
        method.Body.Variables.Add(value);
        method.Body.InitLocals = true;
        il.Emit(OpCodes.Ldloca, value);
        il.Emit(OpCodes.Initobj, valueType);
        il.Emit(OpCodes.Ldloc, value);
        il.Emit(OpCodes.Ret);
        return method;
    }

    // The compiler emits initializers first, in order: [ldarg.0] <expression> stfld/stsfld F.
    private static (List<Instruction> Run, Instruction Store)? InitializerRun(MethodDefinition method, FieldDefinition field, Code store, bool startsWithThis)
    {
        var code = method.Body.Instructions;
        var end = code.ToList().FindIndex(i => i.OpCode.Code == store && Names(i.Operand, field));
        if (end < 0) return null;
        var start = code.Take(end).ToList().FindLastIndex(i => i.OpCode.Code == store && ((FieldReference)i.Operand).DeclaringType.GetElementType() == field.DeclaringType) + 1;
        while (start < end && code[start].OpCode.Code == Code.Nop) start++;
        if (startsWithThis)
        {
            if (code[start].OpCode.Code != Code.Ldarg_0) return null;
            start++;
        }
        var run = code.Skip(start).Take(end - start).ToList();
        var usesFrame = run.Any(i => i.OpCode.Code is Code.Ldarg or Code.Ldarg_S or Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3
            or Code.Ldarga or Code.Ldarga_S or Code.Starg or Code.Starg_S or Code.Ret);
        return usesFrame || !InstructionCloner.IsSelfContained(run, code[end]) ? null : (run, code[end]);
    }

    // A member the builder made, named as code inside its (maybe generic) stand-in names it; the retargeter leaves it alone.
    private FieldReference Own(FieldDefinition field) => Keep(GenericMembers.Self(field));

    private MethodReference Own(MethodDefinition method) => Keep(GenericMembers.Self(method));

    private T Keep<T>(T reference) where T : MemberReference
    {
        retargeter.OwnedReferences.Add(reference);
        return reference;
    }

    // The diff rejects such fields (RudeEditKind.FieldNeedsConstructor) before a patch is built.
    private static InvalidOperationException CannotLift(FieldDefinition field) =>
        new($"the initial value of added field {field.FullName} depends on the constructor; the change set should have rejected it");

    // Code of a generic type names its own field through the type instantiated over its parameters.
    private static bool Names(object operand, FieldDefinition field) =>
        operand == field || operand is FieldReference { DeclaringType: GenericInstanceType generic } f && f.Name == field.Name && generic.ElementType == field.DeclaringType;

    private static bool Stores(MethodDefinition method, FieldDefinition field, Code store) =>
        method.Body.Instructions.Any(i => i.OpCode.Code == store && Names(i.Operand, field));

    private static bool ChainsToThis(MethodDefinition constructor) =>
        constructor.Body.Instructions.Any(i => i.OpCode.Code == Code.Call && i.Operand is MethodReference { Name: ".ctor" } m
            && m.DeclaringType.FullName == constructor.DeclaringType.FullName);

    private MethodDefinition NewStaticConstructor(TypeDefinition owner) =>
        new(".cctor", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            module.TypeSystem.Void);

    private GenericInstanceType StorageType(TypeReference owner, TypeReference value)
    {
        var open = new TypeReference(RuntimeContract.Namespace, RuntimeContract.AddedFieldType, module, AssemblyWeaver.RuntimeAssembly(module)).WithGenericParameters(2);
        var type = new GenericInstanceType(open);
        type.GenericArguments.Add(owner);
        type.GenericArguments.Add(value);
        return type;
    }
}
