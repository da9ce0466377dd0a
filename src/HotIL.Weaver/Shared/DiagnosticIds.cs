namespace HotIL.Weaver;

/// <summary>
/// Every diagnostic ID HotIL writes, in one place: build (HOTIL00xx, HOTIL01xx), rude edits (HOTIL10xx), edit
/// warnings (HOTIL20xx), runtime problems (HOTIL30xx) and runtime reports (HOTIL40xx). Where an ID is raised
/// decides its severity and text; docs/diagnostics.md explains each one, and a test keeps the two lists equal and
/// the IDs out of every other source file. The MSBuild targets, which cannot read C#, raise HOTIL0006 and HOTIL0007.
/// </summary>
internal static class DiagnosticIds
{
    // Build: weaving errors and warnings.

    /// <summary>The input is not a readable .NET assembly.</summary>
    public const string UnreadableAssembly = "HOTIL0001";

    /// <summary>The woven output could not be written.</summary>
    public const string UnwritableOutput = "HOTIL0002";

    /// <summary>The PDB does not match the assembly; weaving goes on without line information.</summary>
    public const string SymbolsNotMatching = "HOTIL0003";

    /// <summary>Weaving itself failed on this assembly.</summary>
    public const string WeavingFailed = "HOTIL0004";

    /// <summary>The build gave no compiler command line, so the runtime could not recompile.</summary>
    public const string NoCompilerArguments = "HOTIL0005";

    /// <summary>The project cannot use HotIL (not C#, or too old a target framework). Raised by HotIL.MSBuild.targets.</summary>
    public const string ProjectNotSupported = "HOTIL0006";

    /// <summary>A native AOT or trimmed publish is built without HotIL. Raised by HotIL.MSBuild.targets.</summary>
    public const string AotOrTrimmedPublish = "HOTIL0007";

    // Build: the weaving task's messages.

    /// <summary>The assembly was woven (normal importance).</summary>
    public const string Woven = "HOTIL0100";

    /// <summary>The assembly was already woven; nothing was done (normal importance).</summary>
    public const string AlreadyWoven = "HOTIL0101";

    /// <summary>A method was left as it is, with the reason (low importance: <c>-v:detailed</c>).</summary>
    public const string MethodNotWoven = "HOTIL0102";

    // Rude edits: rejected, nothing applied (one row per kind in RudeEdits).

    /// <summary>A field was added to a loaded struct.</summary>
    public const string FieldAdded = "HOTIL1001";

    /// <summary>A field's type changed.</summary>
    public const string FieldTypeChanged = "HOTIL1002";

    /// <summary>A base class changed.</summary>
    public const string BaseTypeChanged = "HOTIL1003";

    /// <summary>The implemented interfaces changed.</summary>
    public const string InterfacesChanged = "HOTIL1004";

    /// <summary>The kind of a type changed.</summary>
    public const string TypeKindChanged = "HOTIL1005";

    /// <summary>A type's generic parameters changed.</summary>
    public const string GenericParametersChanged = "HOTIL1006";

    /// <summary>Enum members were removed or renumbered.</summary>
    public const string EnumChanged = "HOTIL1007";

    /// <summary>A virtual, abstract or override method was added where it cannot be dispatched.</summary>
    public const string VirtualMethodAdded = "HOTIL1008";

    /// <summary>A virtual, abstract or override method was removed.</summary>
    public const string VirtualMethodRemoved = "HOTIL1009";

    /// <summary>A constructor was added to a loaded generic type.</summary>
    public const string ConstructorAdded = "HOTIL1010";

    /// <summary>A method without a slot changed.</summary>
    public const string MethodNotReloadable = "HOTIL1011";

    /// <summary>A method was added to a kind of type that cannot host added methods.</summary>
    public const string MethodAddedToUnsupportedType = "HOTIL1012";

    /// <summary>A struct method became readonly or mutating, or a parameter changed between <c>in</c> and <c>ref</c>.</summary>
    public const string ReadOnlinessChanged = "HOTIL1013";

    /// <summary>An added field's value only a constructor can compute.</summary>
    public const string FieldNeedsConstructor = "HOTIL1014";

    // Edit warnings: what applies does; these say what cannot reach the running program.

    /// <summary>A static initializer or static constructor was edited; it does not run again.</summary>
    public const string StaticConstructorEdited = "HOTIL2001";

    /// <summary>Members were added to a loaded enum.</summary>
    public const string EnumMembersAdded = "HOTIL2002";

    /// <summary>A removed generic method keeps its last body.</summary>
    public const string RemovedGenericKept = "HOTIL2004";

    /// <summary>A matched lambda's new body cannot serve the delegates created before the edit.</summary>
    public const string StaleClosure = "HOTIL2005";

    /// <summary>A method that runs only at start-up was edited.</summary>
    public const string StartupCodeEdited = "HOTIL2006";

    /// <summary>Attributes were edited; reflection sees the loaded ones.</summary>
    public const string AttributesEdited = "HOTIL2007";

    /// <summary>A loop of unoptimized code keeps running a replaced method (written when it happens).</summary>
    public const string StaleLoop = "HOTIL2008";

    /// <summary>Public members were added to a loaded type; reflection does not list them.</summary>
    public const string AddedMembersHiddenFromReflection = "HOTIL2009";

    // Runtime problems.

    /// <summary>Building or loading a patch failed; nothing was applied.</summary>
    public const string PatchFailed = "HOTIL3001";

    /// <summary>No manifest was found for a woven assembly.</summary>
    public const string NoManifest = "HOTIL3002";

    /// <summary>Reloading is disabled for an assembly.</summary>
    public const string ReloadingDisabled = "HOTIL3003";

    /// <summary>A handler of <c>HotReload.Reloaded</c> or <c>ReloadFailed</c> threw.</summary>
    public const string EventHandlerThrew = "HOTIL3004";

    /// <summary>A metadata update handler threw.</summary>
    public const string UpdateHandlerThrew = "HOTIL3005";

    /// <summary>A metadata update handler type has neither method.</summary>
    public const string UpdateHandlerWithoutMethods = "HOTIL3006";

    /// <summary>The verbosity setting is not a verbosity.</summary>
    public const string UnknownVerbosity = "HOTIL3007";

    /// <summary>A source generator could not be loaded by the reload compiler.</summary>
    public const string GeneratorNotLoaded = "HOTIL3008";

    /// <summary>The log file cannot be opened.</summary>
    public const string LogFileUnusable = "HOTIL3009";

    /// <summary>The one line on standard error when a log file is set.</summary>
    public const string LogFileInUse = "HOTIL3010";

    /// <summary>The runtime cannot run code generated at run time.</summary>
    public const string NoDynamicCode = "HOTIL3011";

    /// <summary>The program could not restart itself.</summary>
    public const string RestartFailed = "HOTIL3012";

    /// <summary>A Blazor app's components cannot be told to re-render.</summary>
    public const string CannotReRender = "HOTIL3013";

    // Runtime reports.

    /// <summary>The background warm-up finished.</summary>
    public const string Ready = "HOTIL4001";

    /// <summary>Watching a directory for changes.</summary>
    public const string Watching = "HOTIL4002";

    /// <summary>A generation was applied.</summary>
    public const string Applied = "HOTIL4003";

    /// <summary>A save compiled to the running code.</summary>
    public const string NoChanges = "HOTIL4004";

    /// <summary>The edit does not compile.</summary>
    public const string CompileFailed = "HOTIL4005";

    /// <summary>The edit cannot be applied while the program runs.</summary>
    public const string Rejected = "HOTIL4006";

    /// <summary>The reload failed.</summary>
    public const string Failed = "HOTIL4007";

    /// <summary>Update handlers were called.</summary>
    public const string UpdateHandlerCalled = "HOTIL4008";

    /// <summary>The program restarts to apply an edit.</summary>
    public const string Restarting = "HOTIL4009";

    /// <summary>Browser refresh is on.</summary>
    public const string BrowserRefreshOn = "HOTIL4010";

    /// <summary>Open pages were told of a reload.</summary>
    public const string PagesTold = "HOTIL4011";
}
