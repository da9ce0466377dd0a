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
    /// <remarks>
    /// Runs on every reload, so it walks only what can qualify: the methods the entry point reaches through plain calls.
    /// Every use in the program is read once, to know who else calls those.
    /// </remarks>
    public static IReadOnlyDictionary<MethodKey, MethodKey> Of(ModuleSnapshot program)
    {
        var startup = new Dictionary<MethodKey, MethodKey>();
        if (program.EntryPoint is not { } main) return startup;
        startup[main] = main;
        var candidates = ReachedByPlainCalls(program, main);
        if (candidates.Count == 0) return startup;
        var users = candidates.ToDictionary(c => c, _ => new List<(MethodKey Caller, MethodUseKind Kind)>());
        foreach (var caller in program.Methods.Values)
            foreach (var use in caller.Uses)
                if (users.TryGetValue(use.Callee, out var list)) list.Add((caller.Key, use.Kind));
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (method, uses) in users)
            {
                if (startup.ContainsKey(method) || uses.Count == 0 || uses.Any(u => u.Kind != MethodUseKind.Call || !startup.ContainsKey(u.Caller))) continue;
                startup[method] = uses[0].Caller;
                grew = true;
            }
        }
        return startup;
    }

    // A method only the start-up runs is called, outside loops, by one that only the start-up runs: by induction, it is
    // reached from the entry point through such calls. Virtual methods and static constructors never count.
    private static HashSet<MethodKey> ReachedByPlainCalls(ModuleSnapshot program, MethodKey main)
    {
        var reached = new HashSet<MethodKey>();
        var pending = new Stack<MethodKey>([main]);
        while (pending.TryPop(out var key))
        {
            if (!program.Methods.TryGetValue(key, out var caller)) continue;
            foreach (var use in caller.Uses)
            {
                if (use.Kind != MethodUseKind.Call || use.Callee == main || !program.Methods.TryGetValue(use.Callee, out var callee)) continue;
                if (callee.IsVirtual || callee.IsStaticConstructor || !reached.Add(use.Callee)) continue;
                pending.Push(use.Callee);
            }
        }
        return reached;
    }
}
