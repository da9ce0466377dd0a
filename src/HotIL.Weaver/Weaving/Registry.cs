using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver;

/// <summary>
/// The generated registry of a woven module (Mun's dispatch table): one static pointer-sized
/// field per slot and a <c>Slot(int)</c> accessor that returns the field by reference so the runtime
/// can repoint it with one volatile write. A forwarder's slot starts at zero, which means "the original
/// body", so the registry of a woven program has nothing to initialise (decision 0012); only a patch's
/// own entries (new bodies, tombstones, dispatchers) start at a target, set by its module initializer.
/// </summary>
internal sealed class Registry
{
    /// <summary>Name of the registry type (angle brackets keep it out of C#'s reach).</summary>
    public const string TypeName = "<HotIL>Registry";

    /// <summary>Name of the accessor <c>static ref nint Slot(int index)</c>.</summary>
    public const string SlotAccessorName = "Slot";

    /// <summary>Name of the method that fills the slots that start at a target (patches only).</summary>
    public const string InitializeName = "Initialize";

    /// <summary>Name of the method the module initializer calls to register the module with the runtime.</summary>
    public const string RegisterName = "Register";

    /// <summary>Name prefix of generic slot holders (<c>&lt;HotIL&gt;Generic0`2</c>...).</summary>
    public const string GenericHolderPrefix = "<HotIL>Generic";

    /// <summary>Name of a generic holder's per-instantiation pointer field.</summary>
    public const string GenericPointerField = "Pointer";

    /// <summary>Name of a generic holder's constant that names the method it serves.</summary>
    public const string GenericKeyField = "Key";

    /// <summary>
    /// Name of the registry's (non-generic) field that turns non-zero once a reload replaced the body of generic
    /// holder <paramref name="holderName"/>: until then forwarders skip the holder, whose static cannot be read in
    /// shared generic code without a runtime lookup and a class-initialization check.
    /// </summary>
    public static string GenericReplacedFlag(string holderName) => "replaced " + holderName;

    private readonly ModuleDefinition _module;
    private readonly List<(FieldDefinition Field, MethodReference? Target)> _entries = [];
    private readonly List<TypeDefinition> _genericHolders = [];
    private readonly List<FieldDefinition> _genericFlags = [];

    private Registry(ModuleDefinition module, TypeDefinition type)
    {
        _module = module;
        Type = type;
    }

    /// <summary>The registry type in the module.</summary>
    public TypeDefinition Type { get; }

    /// <summary>Number of slots.</summary>
    public int Count => _entries.Count;

    /// <summary>Creates an empty registry type in <paramref name="module"/>.</summary>
    public static Registry Create(ModuleDefinition module)
    {
        var type = new TypeDefinition("", TypeName,
            TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class,
            module.TypeSystem.Object);
        module.Types.Add(type);
        return new Registry(module, type);
    }

    /// <summary>Adds a slot that starts at zero: a forwarder's (zero runs the original body) or one the runtime fills.</summary>
    /// <returns>The slot's index.</returns>
    public int AddUnfilled(string name)
    {
        var field = new FieldDefinition(name, FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.IntPtr);
        Type.Fields.Add(field);
        _entries.Add((field, null));
        return _entries.Count - 1;
    }

    /// <summary>Adds a slot named <paramref name="name"/> that starts out pointing at <paramref name="target"/>.</summary>
    /// <returns>The slot's index.</returns>
    public int Add(string name, MethodReference target)
    {
        var field = new FieldDefinition(name, FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.IntPtr);
        Type.Fields.Add(field);
        _entries.Add((field, target));
        return _entries.Count - 1;
    }

    /// <summary>
    /// Adds the field in which a loop of the method of <paramref name="key"/> remembers the slot value it last reported
    /// running old code for (see <see cref="LoopCheck"/>).
    /// </summary>
    public FieldDefinition AddSeen(string key)
    {
        var field = new FieldDefinition("seen " + key, FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.IntPtr);
        Type.Fields.Add(field);
        return field;
    }

    /// <summary>Makes slot <paramref name="index"/>, added unfilled, start out pointing at <paramref name="target"/>.</summary>
    public void Fill(int index, MethodReference target) => _entries[index] = (_entries[index].Field, target);

    /// <summary>
    /// Adds a generic slot: a holder class with one type parameter per type and method parameter of
    /// <paramref name="impl"/>, whose static pointer (one per instantiation) its static constructor
    /// asks the runtime for, so instantiations first used after a reload get the newest code. Like a
    /// plain slot, the pointer stays zero while the original body is current.
    /// </summary>
    /// <returns>The holder's index.</returns>
    public int AddGeneric(string key, MethodDefinition impl)
    {
        var typeArity = impl.DeclaringType.GenericParameters.Count;
        var arity = typeArity + impl.GenericParameters.Count;
        var holder = new TypeDefinition("", $"{GenericHolderPrefix}{_genericHolders.Count}`{arity}",
            TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class, _module.TypeSystem.Object);
        for (var i = 0; i < arity; i++) holder.GenericParameters.Add(new GenericParameter("T" + i, holder));
        CopyConstraints(impl, holder, typeArity);
        holder.Fields.Add(new FieldDefinition(GenericPointerField, FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.IntPtr));
        holder.Fields.Add(new FieldDefinition(GenericKeyField, FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.Literal | FieldAttributes.HasDefault,
            _module.TypeSystem.String) { Constant = key });
        _module.Types.Add(holder);
        _genericHolders.Add(holder);
        _genericFlags.Add(new FieldDefinition(GenericReplacedFlag(holder.Name), FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.Int32));
        Type.Fields.Add(_genericFlags[^1]);
        EmitGenericHolderInitializer(holder);
        return _genericHolders.Count - 1;
    }

    /// <summary>The pointer field of generic holder <paramref name="index"/> instantiated over <paramref name="arguments"/>.</summary>
    public FieldReference GenericSlotField(int index, IEnumerable<TypeReference> arguments)
    {
        var holder = _genericHolders[index];
        return new FieldReference(GenericPointerField, _module.TypeSystem.IntPtr, Instantiate(holder, arguments));
    }

    /// <summary>The flag that says whether a reload replaced the body of generic slot <paramref name="index"/>.</summary>
    public FieldDefinition GenericReplaced(int index) => _genericFlags[index];

    /// <summary>The holder type of generic slot <paramref name="index"/>.</summary>
    public TypeDefinition GenericHolder(int index) => _genericHolders[index];

    // .cctor: Pointer = GenericSlots.Resolve(typeof(Holder<T...>)): zero until a reload replaces the body.
    private void EmitGenericHolderInitializer(TypeDefinition holder)
    {
        var core = new CoreLibrary(_module);
        var self = Instantiate(holder, holder.GenericParameters);
        var cctor = new MethodDefinition(".cctor",
            MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            _module.TypeSystem.Void);
        holder.Methods.Add(cctor);
        var slots = new TypeReference(RuntimeContract.Namespace, RuntimeContract.GenericSlotsType, _module, AssemblyWeaver.RuntimeAssembly(_module));
        var resolve = core.Method(slots, RuntimeContract.GenericResolveMethod, _module.TypeSystem.IntPtr, hasThis: false, core.Type("System", "Type"));
        var il = cctor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldtoken, self);
        il.Emit(OpCodes.Call, core.GetTypeFromHandle());
        il.Emit(OpCodes.Call, resolve);
        il.Emit(OpCodes.Stsfld, new FieldReference(GenericPointerField, _module.TypeSystem.IntPtr, self));
        il.Emit(OpCodes.Ret);
    }

    // Forwarders instantiate the holder over their own parameters: it takes the same constraints (and `allows ref struct`).
    private static void CopyConstraints(MethodDefinition impl, TypeDefinition holder, int typeArity)
    {
        var sources = impl.DeclaringType.GenericParameters.Concat(impl.GenericParameters).ToList();
        for (var i = 0; i < sources.Count; i++)
        {
            holder.GenericParameters[i].Attributes = sources[i].Attributes & ~GenericParameterAttributes.VarianceMask;
            foreach (var c in sources[i].Constraints)
                holder.GenericParameters[i].Constraints.Add(new GenericParameterConstraint(ToHolder(c.ConstraintType, holder, typeArity)));
        }
    }

    private static TypeReference ToHolder(TypeReference type, TypeDefinition holder, int typeArity) => type switch
    {
        GenericParameter { Type: GenericParameterType.Method } p => holder.GenericParameters[typeArity + p.Position],
        GenericParameter p => holder.GenericParameters[p.Position],
        GenericInstanceType git => Instantiate(git.ElementType, git.GenericArguments.Select(a => ToHolder(a, holder, typeArity))),
        ArrayType a => new ArrayType(ToHolder(a.ElementType, holder, typeArity), a.Rank),
        ByReferenceType r => new ByReferenceType(ToHolder(r.ElementType, holder, typeArity)),
        _ => type,
    };

    private static GenericInstanceType Instantiate(TypeReference type, IEnumerable<TypeReference> arguments)
    {
        var instance = new GenericInstanceType(type);
        foreach (var a in arguments) instance.GenericArguments.Add(a);
        return instance;
    }

    /// <summary>The field of slot <paramref name="index"/>, for <c>ldsfld</c> in forwarders.</summary>
    public FieldDefinition Field(int index) => _entries[index].Field;

    /// <summary>
    /// Emits the slot accessor and, when some slot starts at a target, <c>Initialize()</c> that fills those
    /// slots; a patch's module initializer calls it.
    /// </summary>
    /// <returns><c>Initialize()</c>, or null when every slot starts at zero (a woven program's registry).</returns>
    public MethodDefinition? Complete()
    {
        EmitSlotAccessor();
        var filled = _entries.Where(e => e.Target != null).ToList();
        if (filled.Count == 0) return null;
        var initialize = new MethodDefinition(InitializeName,
            MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, _module.TypeSystem.Void);
        Type.Methods.Add(initialize);
        var il = initialize.Body.GetILProcessor();
        foreach (var (field, target) in filled)
        {
            il.Emit(OpCodes.Ldftn, target!);
            il.Emit(OpCodes.Stsfld, field);
        }
        il.Emit(OpCodes.Ret);
        return initialize;
    }

    private void EmitSlotAccessor()
    {
        var core = new CoreLibrary(_module);
        var accessor = new MethodDefinition(SlotAccessorName,
            MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
            new ByReferenceType(_module.TypeSystem.IntPtr));
        accessor.Parameters.Add(new ParameterDefinition("index", ParameterAttributes.None, _module.TypeSystem.Int32));
        Type.Methods.Add(accessor);
        var il = accessor.Body.GetILProcessor();
        var loads = _entries.Select(e => il.Create(OpCodes.Ldsflda, e.Field)).ToArray();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Switch, loads);
        il.Emit(OpCodes.Newobj, core.Constructor(core.Type("System", "ArgumentOutOfRangeException")));
        il.Emit(OpCodes.Throw);
        foreach (var load in loads)
        {
            il.Append(load);
            il.Emit(OpCodes.Ret);
        }
        accessor.Body.OptimizeMacros();
    }

    /// <summary>Makes the module initializer call <paramref name="method"/> before anything else runs.</summary>
    public static void CallFromModuleInitializer(ModuleDefinition module, MethodReference method)
    {
        var moduleType = module.Types.First(t => t.Name == "<Module>");
        var cctor = moduleType.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic);
        if (cctor == null)
        {
            cctor = new MethodDefinition(".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig |
                MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, module.TypeSystem.Void);
            moduleType.Methods.Add(cctor);
            cctor.Body.GetILProcessor().Emit(OpCodes.Ret);
        }
        var il = cctor.Body.GetILProcessor();
        il.InsertBefore(cctor.Body.Instructions[0], il.Create(OpCodes.Call, method));
    }
}
