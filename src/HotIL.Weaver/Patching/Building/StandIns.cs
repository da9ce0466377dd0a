using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>Finds or creates the stand-in of a loaded type inside a patch: a static class with its name.</summary>
internal static class StandIns
{
    public static TypeDefinition FindOrCreate(ModuleDefinition module, string fullName)
    {
        var existing = module.GetTypes().FirstOrDefault(t => t.FullName == fullName);
        if (existing != null) return existing;
        var slash = fullName.LastIndexOf('/');
        if (slash >= 0)
        {
            var outer = FindOrCreate(module, fullName[..slash]);
            var nested = NewStandIn(module, "", fullName[(slash + 1)..], TypeAttributes.NestedAssembly);
            outer.NestedTypes.Add(nested);
            return nested;
        }
        var dot = fullName.LastIndexOf('.');
        var type = NewStandIn(module, dot < 0 ? "" : fullName[..dot], fullName[(dot + 1)..], TypeAttributes.NotPublic);
        module.Types.Add(type);
        return type;
    }

    private static TypeDefinition NewStandIn(ModuleDefinition module, string ns, string name, TypeAttributes visibility) =>
        new(ns, name, visibility | TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
}
