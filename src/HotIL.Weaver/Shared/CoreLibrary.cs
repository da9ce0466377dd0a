using Mono.Cecil;

namespace HotIL.Weaver;

/// <summary>
/// References to base-library members, scoped to the module's own core library reference
/// (System.Runtime, netstandard...). Importing through reflection would bind them to the
/// weaver's System.Private.CoreLib instead, which compiled code must never reference.
/// </summary>
internal sealed class CoreLibrary(ModuleDefinition module)
{
    private IMetadataScope Scope => module.TypeSystem.CoreLibrary;

    public TypeReference Type(string ns, string name, bool isValueType = false) =>
        new(ns, name, module, Scope, isValueType);

    public MethodReference Constructor(TypeReference declaringType, params TypeReference[] parameters) =>
        Method(declaringType, ".ctor", module.TypeSystem.Void, hasThis: true, parameters);

    public MethodReference Method(TypeReference declaringType, string name, TypeReference returnType, bool hasThis,
        params TypeReference[] parameters)
    {
        var method = new MethodReference(name, returnType, declaringType) { HasThis = hasThis };
        foreach (var p in parameters) method.Parameters.Add(new ParameterDefinition(p));
        return method;
    }

    public MethodReference GetTypeFromHandle() =>
        Method(Type("System", "Type"), "GetTypeFromHandle", Type("System", "Type"), hasThis: false,
            Type("System", "RuntimeTypeHandle", isValueType: true));

    public CustomAttribute Attribute(string ns, string name) => new(Constructor(Type(ns, name)));

    /// <summary>Whether attributes newer than netstandard (e.g. StackTraceHidden) can be referenced.</summary>
    public bool IsModernCoreLibrary => Scope.Name is "System.Runtime" or "System.Private.CoreLib";
}
