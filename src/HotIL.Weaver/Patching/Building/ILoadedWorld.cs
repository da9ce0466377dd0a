using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Where things live in the running program: the original woven module and every applied
/// patch. A patch's references to existing types and methods are retargeted to these.
/// </summary>
internal interface ILoadedWorld
{
    /// <summary>The loaded definition of the user type <paramref name="fullName"/>, or null.</summary>
    TypeDefinition? FindType(string fullName);

    /// <summary>
    /// The method to call for <paramref name="key"/> when it is not a method of the loaded type
    /// itself (a method added by an earlier patch: a static forwarder taking the receiver first), or null.
    /// </summary>
    MethodDefinition? FindAddedMethod(MethodKey key);

    /// <summary>The factory an earlier reload made for <c>new</c> of a constructor it added to a loaded type, or null.</summary>
    MethodDefinition? FindFactory(MethodKey constructor);

    /// <summary>Where a field that an earlier reload added to <paramref name="typeFullName"/> lives, or null.</summary>
    AddedFieldHome? FindAddedField(string typeFullName, string name);

    /// <summary>The type-test dispatch an earlier reload put in front of virtual method <paramref name="root"/>, or null.</summary>
    DispatchHome? FindDispatch(MethodKey root);

    /// <summary>For an override an earlier reload added: the virtual method whose slot dispatches to it, or null.</summary>
    MethodKey? FindOverrideRoot(MethodKey added);

    /// <summary>The loaded callable of <paramref name="key"/> (forwarder), for tombstone signatures; null if unknown.</summary>
    MethodDefinition? FindMethod(MethodKey key);
}
