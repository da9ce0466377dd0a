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
        var holder = Holders.FindOrCreate(module, key.DeclaringTypeFullName);
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
        holder.Methods.Add(tombstone);
        return tombstone;
    }
}

/// <summary>Finds or creates the static holder type of a loaded type inside a patch.</summary>
internal static class Holders
{
    public static TypeDefinition FindOrCreate(ModuleDefinition module, string fullName)
    {
        var existing = module.GetTypes().FirstOrDefault(t => t.FullName == fullName);
        if (existing != null) return existing;
        var slash = fullName.LastIndexOf('/');
        if (slash >= 0)
        {
            var outer = FindOrCreate(module, fullName[..slash]);
            var nested = NewHolder(module, "", fullName[(slash + 1)..], TypeAttributes.NestedAssembly);
            outer.NestedTypes.Add(nested);
            return nested;
        }
        var dot = fullName.LastIndexOf('.');
        var type = NewHolder(module, dot < 0 ? "" : fullName[..dot], fullName[(dot + 1)..], TypeAttributes.NotPublic);
        module.Types.Add(type);
        return type;
    }

    private static TypeDefinition NewHolder(ModuleDefinition module, string ns, string name, TypeAttributes visibility) =>
        new(ns, name, visibility | TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
}

/// <summary>
/// Declares and applies <c>IgnoresAccessChecksToAttribute</c> so the patch may use private and
/// internal members of the assemblies it patches, as the original code could.
/// </summary>
internal static class AccessChecks
{
    private const string Namespace = "System.Runtime.CompilerServices";
    private const string Name = "IgnoresAccessChecksToAttribute";

    public static void IgnoreFor(ModuleDefinition module, IEnumerable<string> assemblyNames)
    {
        var constructor = DeclareAttribute(module);
        foreach (var name in assemblyNames.Distinct().ToList())
        {
            var attribute = new CustomAttribute(constructor);
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, name));
            module.Assembly.CustomAttributes.Add(attribute);
        }
    }

    private static MethodDefinition DeclareAttribute(ModuleDefinition module)
    {
        var core = new CoreLibrary(module);
        var baseType = core.Type("System", "Attribute");
        var type = new TypeDefinition(Namespace, Name,
            TypeAttributes.NotPublic | TypeAttributes.Sealed | TypeAttributes.Class | TypeAttributes.BeforeFieldInit, baseType);
        if (module.Types.Any(t => t.FullName == type.FullName)) module.Types.Remove(module.Types.First(t => t.FullName == type.FullName));
        module.Types.Add(type);
        var constructor = new MethodDefinition(".ctor",
            MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
            module.TypeSystem.Void);
        constructor.Parameters.Add(new ParameterDefinition("assemblyName", ParameterAttributes.None, module.TypeSystem.String));
        var il = constructor.Body.GetILProcessor();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, core.Constructor(baseType));
        il.Emit(OpCodes.Ret);
        type.Methods.Add(constructor);
        return constructor;
    }
}
