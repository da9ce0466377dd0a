using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Where things live in the running program: the original woven module and every applied
/// patch. A patch's references to existing types and methods are retargeted to these.
/// </summary>
public interface ILoadedWorld
{
    /// <summary>The loaded definition of the user type <paramref name="fullName"/>, or null.</summary>
    TypeDefinition? FindType(string fullName);

    /// <summary>
    /// The method to call for <paramref name="key"/> when it is not a method of the loaded type
    /// itself (a method added by an earlier patch: a static forwarder taking the receiver first), or null.
    /// </summary>
    MethodDefinition? FindAddedMethod(MethodKey key);

    /// <summary>Where a field that an earlier reload added to <paramref name="typeFullName"/> lives, or null.</summary>
    AddedFieldHome? FindAddedField(string typeFullName, string name);

    /// <summary>The loaded callable of <paramref name="key"/> (forwarder), for tombstone signatures; null if unknown.</summary>
    MethodDefinition? FindMethod(MethodKey key);
}

/// <summary>
/// Where an added field lives in the patch that added it: a static field for a static field; for an
/// instance field, accessors <c>ref T Name(Owner)</c> and <c>void Name(Owner, T)</c> over side storage.
/// </summary>
public sealed record AddedFieldHome(FieldDefinition? Static, MethodDefinition? Reference, MethodDefinition? Store);
