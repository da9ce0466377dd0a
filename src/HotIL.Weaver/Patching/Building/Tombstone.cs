using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// The body a removed method's slot points at: it throws the runtime's
/// <c>MethodRemovedException</c>, naming the method and the generation that removed it. Its
/// signature is the slot's (receiver first), so any old caller lands here safely.
/// </summary>
internal static class Tombstone
{
    public static MethodDefinition Emit(ModuleDefinition module, ILoadedWorld world, MethodKey key, int generation)
    {
        var loaded = world.FindMethod(key) ?? throw new InvalidOperationException($"no loaded method for {key}");
        var imported = module.ImportReference(loaded);
        var standIn = StandIns.FindOrCreate(module, key.DeclaringTypeFullName);
        var tombstone = new MethodDefinition(ImplNaming.ImplNameFor(loaded.Name),
            MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, imported.ReturnType);
        if (loaded.HasThis)
        {
            var receiver = module.ImportReference(loaded.DeclaringType);
            tombstone.Parameters.Add(new ParameterDefinition("this", ParameterAttributes.None,
                loaded.DeclaringType.IsValueType ? new ByReferenceType(receiver) : receiver));
        }
        foreach (var p in imported.Parameters) tombstone.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, p.ParameterType));

        var core = new CoreLibrary(module);
        var exception = new TypeReference(RuntimeContract.Namespace, RuntimeContract.RemovedMethodExceptionType, module,
            AssemblyWeaver.RuntimeAssembly(module));
        var il = tombstone.Body.GetILProcessor();
        il.Emit(OpCodes.Ldstr, key.DisplayName);
        il.Emit(OpCodes.Ldc_I4, generation);
        il.Emit(OpCodes.Newobj, core.Constructor(exception, module.TypeSystem.String, module.TypeSystem.Int32));
        il.Emit(OpCodes.Throw);
        if (core.IsModernCoreLibrary) tombstone.CustomAttributes.Add(core.Attribute("System.Diagnostics", "StackTraceHiddenAttribute"));
        standIn.Methods.Add(tombstone);
        return tombstone;
    }
}
