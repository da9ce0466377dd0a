namespace HotIL.Weaver.Patching;

/// <summary>
/// The methods that run only while the program starts: the entry point, and methods that only it calls,
/// outside its loops, directly or through other such methods (and that nothing makes a delegate of). An edit
/// to one is applied, but the call that ran it is over: what it did at start-up (routes mapped, handlers
/// subscribed, services registered) is not redone, and the report must say so. Static constructors are not
/// counted: they run when a type is first used, which may still be ahead.
/// </summary>
internal static class StartupCode
{
    /// <summary>Every start-up-only method of <paramref name="program"/>, each with the method it is called from.</summary>
    public static IReadOnlyDictionary<MethodKey, MethodKey> Of(ModuleSnapshot program)
    {
        var startup = new Dictionary<MethodKey, MethodKey>();
        if (program.EntryPoint is not { } main) return startup;
        startup[main] = main;
        var users = program.Methods.Values
            .SelectMany(caller => caller.Uses.Select(use => (use.Callee, Caller: caller.Key, use.Kind)))
            .ToLookup(u => u.Callee);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var method in program.Methods.Values)
            {
                if (startup.ContainsKey(method.Key) || method.IsVirtual || method.IsStaticConstructor) continue;
                var uses = users[method.Key].ToList();
                if (uses.Count == 0 || uses.Any(u => u.Kind != MethodUseKind.Call || !startup.ContainsKey(u.Caller))) continue;
                startup[method.Key] = uses[0].Caller;
                grew = true;
            }
        }
        return startup;
    }
}
