namespace HotIL.Weaver.Patching;

/// <summary>How a method takes part in virtual dispatch.</summary>
internal enum VirtualRole
{
    /// <summary>Not virtual.</summary>
    None,
    /// <summary>Introduces a virtual method of a class (with a body).</summary>
    NewVirtual,
    /// <summary>Overrides a method of a base class of this module.</summary>
    Override,
    /// <summary>Anything else: abstract, interface implementations, overrides of types outside the module.</summary>
    Other,
}
