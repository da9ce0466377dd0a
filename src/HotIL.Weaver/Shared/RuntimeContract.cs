namespace HotIL.Weaver;

/// <summary>
/// The names woven code uses to reach HotIL.Runtime. The weaver must not reference the
/// runtime assembly (the runtime references the weaver), so the contract is spelled out here
/// and checked by a test against the real runtime types.
/// </summary>
internal static class RuntimeContract
{
    /// <summary>Simple name of the runtime assembly woven code references.</summary>
    public const string AssemblyName = "HotIL.Runtime";

    /// <summary>Namespace of the runtime's public types.</summary>
    public const string Namespace = "HotIL";

    /// <summary>Static class whose <c>Register(Type, string)</c> a woven module calls at start-up.</summary>
    public const string RegistrationType = "HotReload";

    /// <summary>Method called from the module initializer with the registry type and the manifest path.</summary>
    public const string RegisterMethod = "Register";

    /// <summary>Exception thrown by a tombstone; constructor <c>(string method, int generation)</c>.</summary>
    public const string RemovedMethodExceptionType = "MethodRemovedException";

    /// <summary>Side storage of an instance field added by a reload: <c>AddedField&lt;TOwner, TValue&gt;</c>.</summary>
    public const string AddedFieldType = "AddedField`2";

    /// <summary>Static class whose <c>Resolve(Type)</c> gives a generic slot holder its pointer.</summary>
    public const string GenericSlotsType = "GenericSlots";

    /// <summary>The method of <see cref="GenericSlotsType"/> a holder's static constructor calls.</summary>
    public const string GenericResolveMethod = "Resolve";

    /// <summary>Static class whose <c>Report(nint, ref nint, string)</c> a loop of unoptimized woven code calls when it runs replaced code.</summary>
    public const string StaleLoopsType = "StaleLoops";

    /// <summary>The method of <see cref="StaleLoopsType"/> loops call: slot value, the value last reported, the method's name.</summary>
    public const string StaleLoopReportMethod = "Report";

    /// <summary>Version of the runtime assembly; it ships with the weaver, so they share one version.</summary>
    public static Version AssemblyVersion => typeof(RuntimeContract).Assembly.GetName().Version ?? new Version(0, 0, 0, 0);
}
