using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Rewrites references inside a recompiled module so they reach what is loaded: a type that
/// already lives in the process is referenced where it lives (type identity of live objects);
/// anything else the patch needs (new types, closures, state machines) is kept, found on demand.
/// </summary>
internal sealed class Retargeter(ModuleDefinition module, ILoadedWorld world, IReadOnlyDictionary<MethodDefinition, MethodKey> keys,
    IReadOnlyDictionary<MethodKey, MethodDefinition> addedMethods, IReadOnlyDictionary<(string, string), AddedFieldHome> addedFields)
{
    private readonly Dictionary<string, TypeReference> _imported = [];
    private readonly Queue<TypeDefinition> _pending = new();

    /// <summary>Types of the module that the patch keeps whole.</summary>
    public HashSet<TypeDefinition> Retained { get; } = [];

    /// <summary>Loaded types that need a stand-in in the patch (for bodies, nested types or tombstones).</summary>
    public HashSet<TypeDefinition> StandIns { get; } = [];

    /// <summary>Members the patch builder made inside stand-ins; references to them stay as they are.</summary>
    public HashSet<IMemberDefinition> Owned { get; } = [];

    /// <summary>References the patch builder made to such members (instantiated, for generic stand-ins); they stay as they are too.</summary>
    public HashSet<MemberReference> OwnedReferences { get; } = [];

    /// <summary>Dispatch this patch builds, by root key (base calls to a root go to its body).</summary>
    public Dictionary<MethodKey, PatchDispatch> Dispatch { get; } = [];

    /// <summary>Factories of constructors this patch adds to loaded types, by constructor key: <c>new</c> of one calls its factory.</summary>
    public Dictionary<MethodKey, MethodDefinition> Factories { get; } = [];

    /// <summary>Added overrides of this patch and the base method each overrides (virtual calls go through the base).</summary>
    public Dictionary<MethodKey, MethodDefinition> OverriddenBy { get; } = [];

    public bool IsMapped(TypeDefinition type) =>
        type.Module == module && type.Name != "<Module>" && GeneratedCode.IsUserOrClosure(type) && world.FindType(type.FullName) != null;

    /// <summary>Keeps <paramref name="type"/> (and its nested types) and schedules it for retargeting.</summary>
    public void Retain(TypeDefinition type)
    {
        if (!Retained.Add(type)) return;
        _pending.Enqueue(type);
        foreach (var nested in type.NestedTypes) Retain(nested);
        if (type.DeclaringType is { } outer)
        {
            if (IsMapped(outer)) AddStandIn(outer);
            else Retain(outer);
        }
    }

    public void AddStandIn(TypeDefinition mapped)
    {
        for (var t = mapped; t != null && StandIns.Add(t); t = t.DeclaringType) { }
    }

    /// <summary>Retargets every kept type until nothing new is found.</summary>
    public void Drain()
    {
        while (_pending.TryDequeue(out var type)) RetargetType(type);
    }

    public TypeReference Type(TypeReference type) => type switch
    {
        GenericParameter => type,
        GenericInstanceType git => Instance(git),
        ArrayType array => Array(array),
        ByReferenceType r => new ByReferenceType(Type(r.ElementType)),
        PointerType p => new PointerType(Type(p.ElementType)),
        PinnedType p => new PinnedType(Type(p.ElementType)),
        SentinelType s => new SentinelType(Type(s.ElementType)),
        RequiredModifierType m => new RequiredModifierType(Type(m.ModifierType), Type(m.ElementType)),
        OptionalModifierType m => new OptionalModifierType(Type(m.ModifierType), Type(m.ElementType)),
        FunctionPointerType f => FunctionPointer(f),
        TypeDefinition d when d.Module == module => Definition(d),
        _ => type,
    };

    public MethodReference Method(MethodReference method)
    {
        if (method is GenericInstanceMethod gim)
        {
            var instance = new GenericInstanceMethod(Method(gim.ElementMethod));
            foreach (var a in gim.GenericArguments) instance.GenericArguments.Add(Type(a));
            return instance;
        }
        if (method.DeclaringType.GetElementType() is TypeDefinition declaring && declaring.Module == module)
        {
            if (IsMapped(declaring)) return MappedMethod(method);
            if (method is MethodDefinition own) { Retain(declaring); return own; }
        }
        return Clone(method, Type(method.DeclaringType));
    }

    public FieldReference Field(FieldReference field)
    {
        if (field.DeclaringType.GetElementType() is TypeDefinition declaring && declaring.Module == module && !IsMapped(declaring)
            && field is FieldDefinition own)
        {
            Retain(declaring);
            return own;
        }
        return new FieldReference(field.Name, Type(field.FieldType), Type(field.DeclaringType));
    }

    /// <summary>Whether a call to <paramref name="method"/> now lands on a static forwarder of an added method.</summary>
    public bool BecomesStatic(MethodReference method) =>
        method.HasThis && method.DeclaringType.GetElementType() is TypeDefinition d && d.Module == module && IsMapped(d)
        && method is MethodDefinition def && keys.TryGetValue(def, out var key)
        && (addedMethods.ContainsKey(key) || world.FindAddedMethod(key) != null);

    public void RetargetMethod(MethodDefinition method)
    {
        method.ReturnType = Type(method.ReturnType);
        foreach (var p in method.Parameters) p.ParameterType = Type(p.ParameterType);
        for (var i = 0; i < method.Overrides.Count; i++) method.Overrides[i] = Method(method.Overrides[i]);
        foreach (var gp in method.GenericParameters) RetargetConstraints(gp);
        RetargetAttributes(method);
        if (!method.HasBody) return;
        foreach (var v in method.Body.Variables) v.VariableType = Type(v.VariableType);
        foreach (var h in method.Body.ExceptionHandlers)
            if (h.CatchType != null) h.CatchType = Type(h.CatchType);
        var inserts = new List<(Instruction After, Instruction Added)>();
        foreach (var instruction in method.Body.Instructions) RetargetOperand(instruction, inserts);
        var il = method.Body.GetILProcessor();
        foreach (var (after, added) in inserts) il.InsertAfter(after, added);
    }

    private void RetargetOperand(Instruction instruction, List<(Instruction, Instruction)> inserts)
    {
        switch (instruction.Operand)
        {
            case IMemberDefinition own when Owned.Contains(own): break;
            case MemberReference own when OwnedReferences.Contains(own): break;
            case FieldReference f when AddedFieldHomeOf(f) is { } home: UseAddedField(instruction, f, home, inserts); break;
            case TypeReference t: instruction.Operand = Type(t); break;
            case MethodReference m:
                RetargetCall(instruction, m);
                break;
            case FieldReference f: instruction.Operand = Field(f); break;
            case CallSite c: instruction.Operand = CallSite(c); break;
        }
    }

    private void RetargetCall(Instruction instruction, MethodReference method)
    {
        var key = method is MethodDefinition d && keys.TryGetValue(d, out var k) ? k : (MethodKey?)null;
        // base.M() of a dispatched method must reach its body, not the dispatcher that sent us here.
        if (instruction.OpCode.Code == Code.Call && key is { } root && BaseForwarderOf(root) is { } body)
        {
            instruction.Operand = body;
            return;
        }
        // `new` of a constructor added to a loaded type: its factory makes the object.
        if (instruction.OpCode.Code == Code.Newobj && key is { } constructor && FactoryOf(constructor) is { } factory)
        {
            instruction.OpCode = OpCodes.Call;
            instruction.Operand = factory;
            return;
        }
        // A virtual call to an added override is a virtual call of the method it overrides: the receiver may be a subclass.
        if (instruction.OpCode.Code == Code.Callvirt && key is { } added && OverriddenBy.TryGetValue(added, out var overridden)) method = overridden;
        if (BecomesStatic(method) && instruction.OpCode.Code is Code.Callvirt or Code.Call) instruction.OpCode = OpCodes.Call;
        instruction.Operand = Method(method);
    }

    private MethodReference? FactoryOf(MethodKey constructor) =>
        Factories.TryGetValue(constructor, out var mine) ? mine : world.FindFactory(constructor) is { } earlier ? module.ImportReference(earlier) : null;

    private MethodReference? BaseForwarderOf(MethodKey root)
    {
        var home = Dispatch.TryGetValue(root, out var mine) ? mine.Home : world.FindDispatch(root);
        if (home == null) return null;
        return home.BaseForwarder.Module == module ? home.BaseForwarder : module.ImportReference(home.BaseForwarder);
    }

    private AddedFieldHome? AddedFieldHomeOf(FieldReference field) =>
        field.DeclaringType.GetElementType() is TypeDefinition d && d.Module == module && IsMapped(d)
            ? addedFields.GetValueOrDefault((d.FullName, field.Name)) ?? world.FindAddedField(d.FullName, field.Name)
            : null;

    // Loads and stores of an added field go to its home: the patch's static field, or the side-storage accessors.
    private void UseAddedField(Instruction instruction, FieldReference field, AddedFieldHome home, List<(Instruction, Instruction)> inserts)
    {
        // The home lives in a stand-in: this patch's for the type, or an earlier patch's. For a generic type it is
        // named instantiated as the use names the type (a use of Box<int> reaches the stand-in Box<int>), one storage per instantiation.
        TypeReference StandIn(IMemberDefinition m)
        {
            var standIn = m.DeclaringType.Module == module ? m.DeclaringType : module.ImportReference(m.DeclaringType);
            return GenericMembers.Instantiate(standIn, field.DeclaringType, Type);
        }
        if (home.Static != null)
        {
            instruction.Operand = home.Static.DeclaringType.HasGenericParameters ? GenericMembers.On(home.Static, StandIn(home.Static))
                : home.Static.Module == module ? home.Static : module.ImportReference(home.Static);
            return;
        }
        MethodReference Import(MethodDefinition m) =>
            m.DeclaringType.HasGenericParameters ? GenericMembers.On(m.Module == module ? m : module.ImportReference(m), StandIn(m))
            : m.Module == module ? m : module.ImportReference(m);
        switch (instruction.OpCode.Code)
        {
            case Code.Ldfld:
                instruction.OpCode = OpCodes.Call;
                instruction.Operand = Import(home.Reference!);
                inserts.Add((instruction, Instruction.Create(OpCodes.Ldobj, Type(field.FieldType))));
                break;
            case Code.Ldflda:
                instruction.OpCode = OpCodes.Call;
                instruction.Operand = Import(home.Reference!);
                break;
            case Code.Stfld:
                instruction.OpCode = OpCodes.Call;
                instruction.Operand = Import(home.Store!);
                break;
            default:
                throw new NotSupportedException($"{instruction.OpCode} of added field {field.FullName}");
        }
    }

    private void RetargetType(TypeDefinition type)
    {
        if (type.BaseType != null) type.BaseType = Type(type.BaseType);
        foreach (var i in type.Interfaces) i.InterfaceType = Type(i.InterfaceType);
        foreach (var gp in type.GenericParameters) RetargetConstraints(gp);
        foreach (var f in type.Fields) { f.FieldType = Type(f.FieldType); RetargetAttributes(f); }
        foreach (var p in type.Properties) { p.PropertyType = Type(p.PropertyType); RetargetAttributes(p); }
        foreach (var e in type.Events) { e.EventType = Type(e.EventType); RetargetAttributes(e); }
        foreach (var m in type.Methods) RetargetMethod(m);
        RetargetAttributes(type);
    }

    private void RetargetConstraints(GenericParameter gp)
    {
        foreach (var c in gp.Constraints) c.ConstraintType = Type(c.ConstraintType);
    }

    // Attribute blobs are left as compiled; only constructors defined in the module need a home.
    private void RetargetAttributes(ICustomAttributeProvider provider)
    {
        foreach (var a in provider.CustomAttributes)
            if (!(a.Constructor is MethodDefinition own && Owned.Contains(own))) a.Constructor = Method(a.Constructor);
        if (provider is MethodDefinition m)
        {
            foreach (var p in m.Parameters) RetargetAttributes(p);
            RetargetAttributes(m.MethodReturnType);
        }
    }

    private TypeReference Definition(TypeDefinition definition)
    {
        if (!IsMapped(definition))
        {
            Retain(definition);
            return definition;
        }
        if (_imported.TryGetValue(definition.FullName, out var imported)) return imported;
        imported = module.ImportReference(world.FindType(definition.FullName)!);
        _imported[definition.FullName] = imported;
        return imported;
    }

    private MethodReference MappedMethod(MethodReference method)
    {
        var definition = method as MethodDefinition ?? method.Resolve();
        if (definition != null && keys.TryGetValue(definition, out var key))
        {
            if (addedMethods.TryGetValue(key, out var added)) return added;
            if (world.FindAddedMethod(key) is { } earlier) return module.ImportReference(earlier);
        }
        return Clone(method, Type(method.DeclaringType));
    }

    private MethodReference Clone(MethodReference method, TypeReference declaringType)
    {
        var clone = new MethodReference(method.Name, method.ReturnType, declaringType)
        {
            HasThis = method.HasThis,
            ExplicitThis = method.ExplicitThis,
            CallingConvention = method.CallingConvention,
        };
        foreach (var gp in method.GenericParameters) clone.GenericParameters.Add(new GenericParameter(gp.Name, clone));
        clone.ReturnType = Type(method.ReturnType);
        foreach (var p in method.Parameters) clone.Parameters.Add(new ParameterDefinition(Type(p.ParameterType)));
        return clone;
    }

    private GenericInstanceType Instance(GenericInstanceType git)
    {
        var instance = new GenericInstanceType(Type(git.ElementType));
        foreach (var a in git.GenericArguments) instance.GenericArguments.Add(Type(a));
        return instance;
    }

    private ArrayType Array(ArrayType array)
    {
        var copy = new ArrayType(Type(array.ElementType), array.Rank);
        if (array.Rank > 1)
            for (var i = 0; i < array.Rank; i++) copy.Dimensions[i] = array.Dimensions[i];
        return copy;
    }

    private FunctionPointerType FunctionPointer(FunctionPointerType f)
    {
        var copy = new FunctionPointerType { ReturnType = Type(f.ReturnType), HasThis = f.HasThis, ExplicitThis = f.ExplicitThis, CallingConvention = f.CallingConvention };
        foreach (var p in f.Parameters) copy.Parameters.Add(new ParameterDefinition(Type(p.ParameterType)));
        return copy;
    }

    private CallSite CallSite(CallSite site)
    {
        var copy = new CallSite(Type(site.ReturnType)) { HasThis = site.HasThis, ExplicitThis = site.ExplicitThis, CallingConvention = site.CallingConvention };
        foreach (var p in site.Parameters) copy.Parameters.Add(new ParameterDefinition(Type(p.ParameterType)));
        return copy;
    }
}
