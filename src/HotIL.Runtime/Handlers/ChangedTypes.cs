using System.Reflection;
using HotIL.Weaver.Patching;

namespace HotIL.Handlers;

/// <summary>The loaded types an applied change set touched, as .NET's update handlers expect them.</summary>
internal static class ChangedTypes
{
    /// <summary>
    /// Types whose methods changed, were added or removed, that gained fields, and types that were added,
    /// each resolved in the first of <paramref name="assemblies"/> (the program, then its patches) that defines it.
    /// </summary>
    public static Type[] Resolve(ChangeSet changes, IEnumerable<Assembly> assemblies)
    {
        var loaded = assemblies.ToArray();
        return changes.Changed.Concat(changes.Added).Concat(changes.Removed).Select(k => k.DeclaringTypeFullName)
            .Concat(changes.AddedFields.Select(f => f.TypeFullName))
            .Concat(changes.AddedTypes)
            .Distinct(StringComparer.Ordinal)
            .Select(name => Find(loaded, name.Replace('/', '+')))
            .OfType<Type>()
            .ToArray();
    }

    private static Type? Find(Assembly[] assemblies, string reflectionName) =>
        assemblies.Select(a => a.GetType(reflectionName, throwOnError: false)).FirstOrDefault(t => t != null);
}
