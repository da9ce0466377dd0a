namespace HotIL.Weaver.Patching;

/// <summary>How a method uses another method of its module.</summary>
internal enum MethodUseKind
{
    /// <summary>A call, once per run of the caller.</summary>
    Call,
    /// <summary>A call inside a loop of the caller.</summary>
    CallInLoop,
    /// <summary>The method's address is taken (a delegate is made of it): it may be called from anywhere, any time.</summary>
    Address,
}

/// <summary>One use of a method by another.</summary>
internal sealed record MethodUse(MethodKey Callee, MethodUseKind Kind);
