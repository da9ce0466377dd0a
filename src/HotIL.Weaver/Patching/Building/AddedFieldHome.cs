using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Where an added field lives in the patch that added it: a static field for a static field; for an
/// instance field, accessors <c>ref T Name(Owner)</c> and <c>void Name(Owner, T)</c> over side storage.
/// </summary>
internal sealed record AddedFieldHome(FieldDefinition? Static, MethodDefinition? Reference, MethodDefinition? Store);
