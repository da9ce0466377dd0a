using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// A lambda or local function of the running program that an edit matched but cannot replace: delegates
/// created before the edit keep running its previous body, new ones run the new body.
/// </summary>
/// <param name="Previous">The running program's method.</param>
/// <param name="Where">Where the new body is in the source.</param>
/// <param name="Reason">Why the new body cannot serve the existing delegates.</param>
internal sealed record StaleClosure(MethodKey Previous, SourceSpan? Where, string Reason);

/// <summary>
/// Gives the lambdas, local functions and closures of a recompiled module the names they have in the
/// running program, so that the rest of the pipeline compares and retargets them by key like any member.
/// The compiler names them by ordinal (<c>&lt;Main&gt;b__0_1</c>, <c>&lt;&gt;c__DisplayClass0_0</c>), and an
/// inserted lambda renumbers the ones after it; which new body is which old one is decided from the
/// source (the runtime's syntax matcher) and arrives here as <c>matches</c>. A closure keeps its running
/// name only if every field it captures exists there with the same type (structs: exactly the same
/// fields); otherwise it is a new closure and its lambdas new methods. Anything unmatched gets a fresh
/// name that no loaded member has (<c>#</c> and the generation). A cache field the running closure lacks
/// (a new non-capturing lambda in <c>&lt;&gt;c</c>) is dropped, so the patch allocates the delegate instead of
/// adding a field to a loaded type.
/// </summary>
internal static class ClosureNames
{
    private const string CacheFieldPrefix = "<>9__";

    /// <summary>Renames the generated members of <paramref name="module"/> in place.</summary>
    /// <param name="module">The recompiled module, before it is snapshotted.</param>
    /// <param name="matches">New lambda and local function bodies → the running program's method they continue.</param>
    /// <param name="previous">The running program's snapshot.</param>
    /// <param name="generation">The generation the module may become (part of fresh names).</param>
    /// <returns>Matched bodies that cannot replace the running ones.</returns>
    public static IReadOnlyList<StaleClosure> Canonicalize(ModuleDefinition module, IReadOnlyDictionary<MethodDefinition, MethodKey> matches,
        ModuleSnapshot previous, int generation)
    {
        var references = ReferencesToOwnMembers(module);
        var closures = module.GetTypes().Where(GeneratedCode.IsClosure).ToList();
        var functions = module.GetTypes().Where(GeneratedCode.IsUserOrClosure).SelectMany(t => t.Methods).Where(GeneratedCode.IsFunctionBody).ToList();
        var fresh = closures.ToDictionary(t => t, t => t.Name == "<>c" ? t.Name : Fresh(t.Name, generation));
        var rawMethodNames = functions.ToDictionary(m => m, m => m.Name);

        var typeMap = InitialTypeMap(closures, matches, previous);
        // Renaming can show that a closure captures what the running one does not: it then becomes new, which may
        // change what other closures link to, so this settles in rounds.
        while (true)
        {
            foreach (var t in closures) t.Name = typeMap.TryGetValue(t, out var old) ? SimpleName(old) : fresh[t];
            var incompatible = typeMap.Keys.Where(t => t.Name != "<>c" && !FieldsFit(t, previous)).ToList();
            if (incompatible.Count == 0) break;
            foreach (var t in incompatible) typeMap.Remove(t);
        }

        var stale = new List<StaleClosure>();
        foreach (var method in functions)
        {
            if (!matches.TryGetValue(method, out var key)) method.Name = Fresh(rawMethodNames[method], generation);
            else if (Rename(method, key) is { } why)
            {
                stale.Add(new StaleClosure(key, GeneratedCode.BodySpanOf(method), why));
                method.Name = Fresh(rawMethodNames[method], generation);
            }
        }
        RenameCacheFields(closures, rawMethodNames, previous, references);
        foreach (var (reference, definition) in references) reference.Name = definition.Name;
        return stale;
    }

    // Display classes and per-method lambda caches follow the lambdas they hold, closures passed by reference to
    // local functions follow those, and closures that hold neither follow the closures that link to them. <>c is
    // one per type and keeps its name. Values are the running closures' full names.
    private static Dictionary<TypeDefinition, string> InitialTypeMap(List<TypeDefinition> closures, IReadOnlyDictionary<MethodDefinition, MethodKey> matches,
        ModuleSnapshot previous)
    {
        var map = new Dictionary<TypeDefinition, string>();
        foreach (var t in closures.Where(t => t.Name == "<>c" && previous.Types.ContainsKey(t.FullName))) map[t] = t.FullName;
        var claims = closures.Where(t => t.Name != "<>c")
            .Select(t => (Type: t, Old: t.Methods.Where(matches.ContainsKey).Select(m => matches[m].DeclaringTypeFullName).Distinct().ToList()))
            .Where(c => c.Old.Count == 1 && IsPreviousClosureOf(c.Old[0], c.Type, previous))
            .GroupBy(c => c.Old[0])
            .Select(g => g.OrderByDescending(c => c.Type.Methods.Count(matches.ContainsKey)).First());
        foreach (var (type, old) in claims) map[type] = old[0];

        void Follow(TypeReference newType, string oldName)
        {
            if (newType.GetElementType() is not TypeDefinition target || !closures.Contains(target) || map.ContainsKey(target)) return;
            var old = ElementName(oldName);
            if (IsPreviousClosureOf(old, target, previous) && !map.ContainsValue(old)) map[target] = old;
        }
        foreach (var (method, key) in matches)
        {
            var oldParameters = key.ParameterTypeNames;
            if (oldParameters.Count != method.Parameters.Count) continue;
            for (var i = 0; i < oldParameters.Count; i++)
                if (method.Parameters[i].ParameterType is ByReferenceType byRef) Follow(byRef.ElementType, oldParameters[i].TrimEnd('&'));
        }
        for (var count = -1; count != map.Count;)
        {
            count = map.Count;
            foreach (var (type, old) in map.ToList())
                foreach (var field in type.Fields.Where(f => !f.IsStatic))
                    if (previous.Types[old].Fields.TryGetValue(field.Name, out var oldType)) Follow(field.FieldType, oldType);
        }
        return map;
    }

    // "Owner/<>c__DisplayClass0_0`1<T>" → "Owner/<>c__DisplayClass0_0`1": closure names hold angle brackets of their own.
    private static string ElementName(string fullName)
    {
        var arity = fullName.LastIndexOf('`');
        var arguments = arity < 0 ? -1 : fullName.IndexOf('<', arity);
        return arguments < 0 ? fullName : fullName[..arguments];
    }

    private static bool IsPreviousClosureOf(string oldFullName, TypeDefinition type, ModuleSnapshot previous) =>
        previous.Types.TryGetValue(oldFullName, out var shape) && shape.IsClosure
        && oldFullName.StartsWith(OwnerName(type) + "/", StringComparison.Ordinal) && Flavour(SimpleName(oldFullName)) == Flavour(type.Name)
        && shape.Kind == (type.IsValueType ? "struct" : "class") && shape.GenericArity == type.GenericParameters.Count;

    // A display class only continues a display class, and a generic method's lambda cache only such a cache.
    private static string Flavour(string closureName) => closureName.TrimEnd("0123456789_`#".ToCharArray()) switch
    {
        var f when f.StartsWith("<>c__DisplayClass", StringComparison.Ordinal) => "<>c__DisplayClass",
        var f => f,
    };

    private static string OwnerName(TypeDefinition closure) => closure.DeclaringType.FullName;

    private static string SimpleName(string fullName) => fullName[(fullName.LastIndexOf('/') + 1)..];

    // Every captured variable must be where the running closure keeps it; a struct's layout may not change at all.
    private static bool FieldsFit(TypeDefinition type, ModuleSnapshot previous)
    {
        if (!previous.Types.TryGetValue(type.FullName, out var shape)) return false;
        var captured = type.Fields.Where(f => !f.IsStatic && !IsCacheField(f)).ToList();
        if (type.IsValueType && captured.Count != shape.Fields.Count(f => !f.Value.StartsWith("static ", StringComparison.Ordinal))) return false;
        return captured.All(f => shape.Fields.TryGetValue(f.Name, out var old) && old == f.FieldType.FullName);
    }

    // Null when the body now has the running method's name and key; otherwise why it cannot take its place.
    private static string? Rename(MethodDefinition method, MethodKey key)
    {
        if (method.DeclaringType.FullName != key.DeclaringTypeFullName)
            return "what it captures changed (the variables, or whether it uses this)";
        method.Name = key.Name;
        return MethodKey.For(method) == key ? null : "its parameters or return type changed";
    }

    private static string Fresh(string rawName, int generation)
    {
        var arity = rawName.LastIndexOf('`');
        var marker = "#" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return arity < 0 ? rawName + marker : rawName[..arity] + marker + rawName[arity..];
    }

    private static bool IsCacheField(FieldDefinition field) => field.Name.StartsWith(CacheFieldPrefix, StringComparison.Ordinal);

    // A cached delegate lives in <>9__{suffix}, named after its lambda <X>b__{suffix}: it follows the lambda's name.
    // One the running closure does not have is dropped, and the code that used it allocates the delegate each time.
    private static void RenameCacheFields(List<TypeDefinition> closures, Dictionary<MethodDefinition, string> rawMethodNames, ModuleSnapshot previous,
        Dictionary<MemberReference, IMemberDefinition> definitions)
    {
        foreach (var closure in closures)
        {
            var lambdas = closure.Methods.Where(m => rawMethodNames.ContainsKey(m) && GeneratedCode.IsLambda(m))
                .ToDictionary(m => Suffix(rawMethodNames[m]), m => Suffix(m.Name));
            previous.Types.TryGetValue(closure.FullName, out var running);
            foreach (var field in closure.Fields.Where(IsCacheField).ToList())
            {
                if (lambdas.TryGetValue(field.Name[CacheFieldPrefix.Length..], out var suffix)) field.Name = CacheFieldPrefix + suffix;
                if (running != null && !running.Fields.ContainsKey(field.Name)) StopCaching(closure.Module, field, definitions);
            }
        }
    }

    private static string Suffix(string lambdaName) => lambdaName[(lambdaName.IndexOf(">b__", StringComparison.Ordinal) + 4)..];

    private static void StopCaching(ModuleDefinition module, FieldDefinition field, Dictionary<MemberReference, IMemberDefinition> definitions)
    {
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            foreach (var instruction in method.Body.Instructions)
            {
                if (instruction.Operand is not FieldReference f || (f != field && definitions.GetValueOrDefault(f) != field)) continue;
                if (instruction.OpCode.Code == Code.Ldsfld || instruction.OpCode.Code == Code.Ldfld)
                {
                    // ldfld takes the closure off the stack: pop it, then push null.
                    if (instruction.OpCode.Code == Code.Ldfld) method.Body.GetILProcessor().InsertBefore(instruction, Instruction.Create(OpCodes.Pop));
                    instruction.OpCode = OpCodes.Ldnull;
                    instruction.Operand = null;
                }
                else if (instruction.OpCode.Code == Code.Stsfld)
                {
                    instruction.OpCode = OpCodes.Pop;
                    instruction.Operand = null;
                }
                else if (instruction.OpCode.Code == Code.Stfld)
                {
                    // Closure and value: drop both.
                    method.Body.GetILProcessor().InsertBefore(instruction, Instruction.Create(OpCodes.Pop));
                    instruction.OpCode = OpCodes.Pop;
                    instruction.Operand = null;
                }
            }
        }
        field.DeclaringType.Fields.Remove(field);
    }

    // Member references (to members of generic closures, or generic local functions) carry a name of their own:
    // remember what each one resolves to now, to give it the definition's new name afterwards.
    private static Dictionary<MemberReference, IMemberDefinition> ReferencesToOwnMembers(ModuleDefinition module)
    {
        var found = new Dictionary<MemberReference, IMemberDefinition>();
        foreach (var method in module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody))
        {
            foreach (var instruction in method.Body.Instructions)
            {
                var reference = instruction.Operand switch
                {
                    GenericInstanceMethod gim => gim.ElementMethod,
                    MemberReference m => m,
                    _ => null,
                };
                if (reference is not (MethodReference or FieldReference) || reference is IMemberDefinition || found.ContainsKey(reference)) continue;
                if (reference.DeclaringType?.GetElementType() is not TypeDefinition owner || owner.Module != module) continue;
                var definition = reference switch
                {
                    MethodReference m => (IMemberDefinition?)m.Resolve(),
                    FieldReference f => f.Resolve(),
                    _ => null,
                };
                if (definition != null) found[reference] = definition;
            }
        }
        return found;
    }
}
