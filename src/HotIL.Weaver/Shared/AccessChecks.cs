using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver;

/// <summary>
/// Declares and applies <c>IgnoresAccessChecksToAttribute</c> so generated code may use private and
/// internal members: a woven module's registry takes the addresses of its private methods, and a patch
/// uses the members of the assemblies it patches, as the original code could.
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
