using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Dispatch in front of a virtual method's slot, for overrides added to loaded classes (whose
/// vtables cannot change): the slot runs a dispatcher that tests the receiver's type, most derived
/// first, and otherwise calls the original body, which lives in its own <paramref name="BodySlot"/>.
/// Base calls (<c>base.M()</c>) from added overrides go to <paramref name="BaseForwarder"/>.
/// </summary>
internal sealed record DispatchHome(FieldDefinition BodySlot, MethodDefinition BaseForwarder, IReadOnlyList<DispatchOverride> Overrides);

/// <summary>An override dispatched by a type test: its class and its method key.</summary>
internal sealed record DispatchOverride(string TypeFullName, MethodKey Override);
