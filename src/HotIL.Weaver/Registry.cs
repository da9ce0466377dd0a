using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver;

/// <summary>
/// The generated registry of a woven module (Mun's dispatch table): one static pointer-sized
/// field per slot, initialised to its target with <c>ldftn</c>, and a <c>Slot(int)</c> accessor that
/// returns the field by reference so the runtime can repoint it with one volatile write.
/// </summary>
public sealed class Registry
{
    /// <summary>Name of the registry type (angle brackets keep it out of C#'s reach).</summary>
    public const string TypeName = "<HotIL>Registry";

    /// <summary>Name of the accessor <c>static ref nint Slot(int index)</c>.</summary>
    public const string SlotAccessorName = "Slot";

    /// <summary>Name of the method that fills every slot.</summary>
    public const string InitializeName = "Initialize";

    private readonly ModuleDefinition _module;
    private readonly List<(FieldDefinition Field, MethodReference Target)> _entries = [];

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

    /// <summary>Adds a slot named <paramref name="name"/> that starts out pointing at <paramref name="target"/>.</summary>
    /// <returns>The slot's index.</returns>
    public int Add(string name, MethodReference target)
    {
        var field = new FieldDefinition(name, FieldAttributes.Assembly | FieldAttributes.Static, _module.TypeSystem.IntPtr);
        Type.Fields.Add(field);
        _entries.Add((field, target));
        return _entries.Count - 1;
    }

    /// <summary>The field of slot <paramref name="index"/>, for <c>ldsfld</c> in forwarders.</summary>
    public FieldDefinition Field(int index) => _entries[index].Field;

    /// <summary>
    /// Emits <c>Initialize()</c> and the slot accessor. <paramref name="afterInitialize"/> may append
    /// instructions (e.g. the runtime registration call) before the final <c>ret</c>.
    /// </summary>
    public MethodDefinition Complete(Action<ILProcessor>? afterInitialize = null)
    {
        EmitSlotAccessor();
        var initialize = new MethodDefinition(InitializeName,
            MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, _module.TypeSystem.Void);
        Type.Methods.Add(initialize);
        var il = initialize.Body.GetILProcessor();
        foreach (var (field, target) in _entries)
        {
            il.Emit(OpCodes.Ldftn, target);
            il.Emit(OpCodes.Stsfld, field);
        }
        afterInitialize?.Invoke(il);
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
