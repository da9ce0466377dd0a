using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A constructor added to a loaded type cannot join it, so it becomes a static body in the type's stand-in (its
/// receiver first, like any added method), and every <c>new</c> of it a call of a factory beside it: the factory
/// makes an object of the loaded type without running a constructor (as deserializers do), runs the added body on
/// it, which chains to the base constructor and runs field initializers as compiled, and returns it. Chained calls
/// (<c>: this(...)</c>, a derived type's <c>: base(...)</c>) call the body directly.
/// </summary>
internal sealed class ConstructorFactories(ModuleDefinition module, Retargeter retargeter)
{
    /// <summary>Factories this patch makes, by the key of the constructor they stand for.</summary>
    public Dictionary<MethodKey, MethodDefinition> ByConstructor { get; } = [];

    /// <summary>Makes the factory of added constructor <paramref name="constructor"/> (before it is made static).</summary>
    public MethodDefinition Add(MethodKey key, MethodDefinition constructor)
    {
        var owner = constructor.DeclaringType;
        var type = retargeter.Type(MethodSplitter.SelfType(owner));
        var factory = new MethodDefinition(FactoryName, MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, type);
        foreach (var p in constructor.Parameters) factory.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, retargeter.Type(p.ParameterType)));
        var il = factory.Body.GetILProcessor();
        if (owner.IsValueType)
        {
            var value = new VariableDefinition(type);
            factory.Body.Variables.Add(value);
            factory.Body.InitLocals = true;
            il.Emit(OpCodes.Ldloca, value);
            il.Emit(OpCodes.Initobj, type);
            il.Emit(OpCodes.Ldloca, value);
            EmitArgumentsAndBody(il, factory, constructor);
            il.Emit(OpCodes.Ldloc, value);
        }
        else
        {
            var core = new CoreLibrary(module);
            var helpers = core.Type("System.Runtime.CompilerServices", "RuntimeHelpers");
            il.Emit(OpCodes.Ldtoken, type);
            il.Emit(OpCodes.Call, core.GetTypeFromHandle());
            il.Emit(OpCodes.Call, core.Method(helpers, "GetUninitializedObject", module.TypeSystem.Object, hasThis: false, core.Type("System", "Type")));
            il.Emit(OpCodes.Castclass, type);
            il.Emit(OpCodes.Dup);
            EmitArgumentsAndBody(il, factory, constructor);
        }
        il.Emit(OpCodes.Ret);
        factory.Body.OptimizeMacros();
        owner.Methods.Add(factory);
        ByConstructor[key] = factory;
        return factory;
    }

    /// <summary>Name of a factory: the stack trace of an exception in an added constructor shows it under the body.</summary>
    public const string FactoryName = "new";

    // The call names the constructor's definition: once the stand-in makes it a static body taking the receiver first,
    // this call passes the new object as that receiver.
    private static void EmitArgumentsAndBody(ILProcessor il, MethodDefinition factory, MethodDefinition constructor)
    {
        foreach (var p in factory.Parameters) il.Emit(OpCodes.Ldarg, p);
        il.Emit(OpCodes.Call, constructor);
    }
}
