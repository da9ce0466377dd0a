using Mono.Cecil;

namespace HotIL.Weaver.Patching;

/// <summary>
/// Pure data summary of a compiled (unwoven) module: the user's types and their methods. The
/// session keeps the snapshot of the last applied compilation instead of the module itself.
/// </summary>
internal sealed class ModuleSnapshot
{
    private ModuleSnapshot(IReadOnlyDictionary<string, TypeShape> types, IReadOnlyDictionary<MethodKey, MethodShape> methods, MethodKey? entryPoint)
    {
        Types = types;
        Methods = methods;
        EntryPoint = entryPoint;
    }

    /// <summary>The program's entry point (<c>Main</c>, or the method of top-level statements); null for a library.</summary>
    public MethodKey? EntryPoint { get; }

    /// <summary>
    /// Methods earlier snapshots had and this one does not, as they last were: the running program still has their
    /// slots (tombstoned), so one that comes back is a change of that slot, not a new method.
    /// </summary>
    public IReadOnlyDictionary<MethodKey, MethodShape> RemovedMethods { get; private init; } = new Dictionary<MethodKey, MethodShape>();

    /// <summary>Types earlier snapshots had and this one does not: the running program still has them loaded.</summary>
    public IReadOnlyDictionary<string, TypeShape> RemovedTypes { get; private init; } = new Dictionary<string, TypeShape>();

    /// <summary>This snapshot, remembering what <paramref name="previous"/> had (or remembered) and this one does not.</summary>
    public ModuleSnapshot Succeeding(ModuleSnapshot previous) =>
        new(Types, Methods, EntryPoint)
        {
            RemovedMethods = Missing(previous.RemovedMethods, previous.Methods, Methods),
            RemovedTypes = Missing(previous.RemovedTypes, previous.Types, Types),
        };

    // What was removed or present before and is not now; the previous shape wins over an older removed one. Every reload
    // runs this over the whole program, so it only looks up: the few entries it keeps are all it writes.
    private static Dictionary<TKey, TValue> Missing<TKey, TValue>(
        IReadOnlyDictionary<TKey, TValue> removedBefore, IReadOnlyDictionary<TKey, TValue> before, IReadOnlyDictionary<TKey, TValue> now)
        where TKey : notnull
    {
        var missing = new Dictionary<TKey, TValue>();
        foreach (var (key, value) in removedBefore)
            if (!now.ContainsKey(key)) missing[key] = value;
        foreach (var (key, value) in before)
            if (!now.ContainsKey(key)) missing[key] = value;
        return missing;
    }

    /// <summary>User types and their closures by full name.</summary>
    public IReadOnlyDictionary<string, TypeShape> Types { get; }

    /// <summary>Methods of user types and closures by key.</summary>
    public IReadOnlyDictionary<MethodKey, MethodShape> Methods { get; }

    /// <summary>Summarises <paramref name="module"/>.</summary>
    public static ModuleSnapshot Of(ModuleDefinition module)
    {
        var types = new Dictionary<string, TypeShape>();
        var methods = new Dictionary<MethodKey, MethodShape>();
        foreach (var type in UserTypes(module))
        {
            types[type.FullName] = ShapeOf(type);
            foreach (var method in type.Methods) methods[MethodKey.For(method)] = ShapeOf(method, DocumentsOf(method));
        }
        return new ModuleSnapshot(types, methods, EntryPointOf(module));
    }

    /// <summary>
    /// Summarises a module in which only the <paramref name="compiledInFull"/> documents had their bodies
    /// compiled, completing it from <paramref name="previous"/>: a method whose line information lies wholly
    /// in other documents is a stub here (or was dropped with its stubbed owner, like a local function), a
    /// type with methods but none in those documents is unchanged, and a type the compile left out is too, so their
    /// previous shapes stand and are not fingerprinted again.
    /// </summary>
    public static ModuleSnapshot OfPartial(ModuleDefinition module, ModuleSnapshot previous, IReadOnlySet<string> compiledInFull)
    {
        var types = new Dictionary<string, TypeShape>();
        var methods = new Dictionary<MethodKey, MethodShape>();
        var previousByType = previous.Methods.Values.ToLookup(m => m.Key.DeclaringTypeFullName);
        foreach (var type in UserTypes(module))
        {
            var documents = type.Methods.ToDictionary(m => m, DocumentsOf);
            // A type none of whose methods has line information (a struct or class of fields, an enum) cannot be placed
            // in a document, but a stub declares it exactly as its source does: its shape here is its shape, so that a
            // field or enum member added to it is seen. A stub always has line information (BodyStubber maps it to its
            // own file even in a hidden region), so a type of stubs is never taken for one of these.
            var touched = documents.Values.Any(d => d.Any(compiledInFull.Contains)) || documents.Values.All(d => d.Length == 0);
            // An untouched type's static constructor is a stub here: its shape as compiled in full stands.
            types[type.FullName] = touched ? ShapeOf(type) : previous.Types.GetValueOrDefault(type.FullName) ?? ShapeOf(type);
            foreach (var old in previousByType[type.FullName])
                if (!touched || IsStubbed(old.Documents, compiledInFull)) methods[old.Key] = old;
            if (!touched) continue;
            foreach (var (method, docs) in documents)
                if (!IsStubbed(docs, compiledInFull)) methods[MethodKey.For(method)] = ShapeOf(method, docs);
        }
        // Types of files the compile left out altogether (none of their code can have changed) stand as they were.
        foreach (var (name, shape) in previous.Types)
        {
            if (types.ContainsKey(name) || previousByType[name].Any(m => m.Documents.Any(compiledInFull.Contains))) continue;
            types[name] = shape;
            foreach (var old in previousByType[name]) methods[old.Key] = old;
        }
        return new ModuleSnapshot(types, methods, EntryPointOf(module));
    }

    private static bool IsStubbed(IReadOnlyList<string> documents, IReadOnlySet<string> compiledInFull) =>
        documents.Count > 0 && !documents.Any(compiledInFull.Contains);

    private static IEnumerable<TypeDefinition> UserTypes(ModuleDefinition module) =>
        module.GetTypes().Where(t => t.Name != "<Module>" && GeneratedCode.IsUserOrClosure(t));

    // An async method's or iterator's own IL (the kick-off) has no line information: its lines are those of
    // the state machine it starts.
    private static string[] DocumentsOf(MethodDefinition method)
    {
        if (method.DebugInformation.HasSequencePoints)
            return method.DebugInformation.SequencePoints.Select(p => p.Document.Url).Distinct(StringComparer.Ordinal).ToArray();
        var moveNext = GeneratedCode.StateMachineOf(method)?.Methods.FirstOrDefault(m => m.Name == "MoveNext");
        return moveNext is { DebugInformation.HasSequencePoints: true } ? DocumentsOf(moveNext) : [];
    }

    private static MethodShape ShapeOf(MethodDefinition method, IReadOnlyList<string> documents)
    {
        var key = MethodKey.For(method);
        var (role, overrides) = VirtualRoleOf(method);
        return new MethodShape(key, Fingerprint.Of(method), method.IsVirtual || method.IsAbstract,
            method.IsConstructor && !method.IsStatic, method.IsConstructor && method.IsStatic,
            IsCompilerGeneratedName(method.Name), Eligibility.WhyNot(method))
        {
            Role = role,
            Overrides = overrides,
            ReadOnlyArguments = ReadOnlyArgs.Describe(method),
            Documents = documents,
            BodySpan = GeneratedCode.IsFunctionBody(method) ? GeneratedCode.BodySpanOf(method) : null,
            Uses = MethodUses.Of(method),
            Attributes = AttributeText.Of(method),
            IsVisibleOutside = (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && IsVisibleOutside(method.DeclaringType),
        };
    }

    private static (VirtualRole, MethodKey?) VirtualRoleOf(MethodDefinition method)
    {
        if (!method.IsVirtual) return (VirtualRole.None, null);
        if (method.IsAbstract || method.HasOverrides || method.DeclaringType.IsInterface || method.HasGenericParameters) return (VirtualRole.Other, null);
        if (method.IsNewSlot) return method.IsFinal ? (VirtualRole.Other, null) : (VirtualRole.NewVirtual, null);
        var overridden = OverriddenInModule(method);
        return overridden == null ? (VirtualRole.Other, null) : (VirtualRole.Override, MethodKey.For(overridden));
    }

    // The nearest base-class method with the same name and signature, if every class up to it is in this module.
    private static MethodDefinition? OverriddenInModule(MethodDefinition method)
    {
        var signature = string.Join(",", method.Parameters.Select(p => p.ParameterType.FullName)) + ":" + method.ReturnType.FullName;
        for (var type = method.DeclaringType.BaseType; type is TypeDefinition definition; type = definition.BaseType)
        {
            var match = definition.Methods.FirstOrDefault(m => m.IsVirtual && m.Name == method.Name
                && string.Join(",", m.Parameters.Select(p => p.ParameterType.FullName)) + ":" + m.ReturnType.FullName == signature);
            if (match != null) return match.IsAbstract ? null : match;
        }
        return null;
    }

    // Lambdas, local functions and other compiler-named helpers are never tombstoned: delegates made before an edit
    // and old code of their owner may still call them, and run their last body.
    private static bool IsCompilerGeneratedName(string name) => name.StartsWith('<');

    private static TypeShape ShapeOf(TypeDefinition type) => new(
        type.FullName,
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : "class",
        type.BaseType?.FullName,
        type.Interfaces.Select(i => i.InterfaceType.FullName).Order(StringComparer.Ordinal).ToArray(),
        type.GenericParameters.Count,
        type.Fields.Where(f => !f.IsLiteral).ToDictionary(f => f.Name, f => (f.IsStatic ? "static " : "") + f.FieldType.FullName),
        type.IsEnum ? type.Fields.Where(f => f.IsLiteral).Select(f => f.Name + "=" + f.Constant).ToArray() : [])
    {
        IsClosure = GeneratedCode.IsClosure(type),
        Attributes = AttributeText.Of(type),
        MemberAttributes = type.Fields.Cast<IMemberDefinition>().Concat(type.Properties).Concat(type.Events)
            .GroupBy(m => m.Name).ToDictionary(g => g.Key, g => string.Join(";", g.Select(m => AttributeText.Of(m)))),
        StaticInitializers = StaticInitializers(type),
        ConstructorOnlyFields = type.IsClass && !type.IsInterface ? AddedFieldStorage.ConstructorOnlyFields(type) : new Dictionary<string, IReadOnlyList<string>>(),
        ConstructorParameters = AddedFieldStorage.ConstructorParameters(type),
    };

    private static MethodKey? EntryPointOf(ModuleDefinition module) => module.EntryPoint == null ? null : MethodKey.For(module.EntryPoint);

    private static bool IsVisibleOutside(TypeDefinition type)
    {
        for (var t = type; t != null; t = t.DeclaringType)
            if (!(t.IsPublic || t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamilyOrAssembly)) return false;
        return true;
    }

    // Field initializers run first in a static constructor, each ending with the store to its field.
    private static Dictionary<string, string> StaticInitializers(TypeDefinition type)
    {
        var parts = new Dictionary<string, string>();
        var cctor = type.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic && m.HasBody);
        if (cctor == null) return parts;
        var code = cctor.Body.Instructions;
        var start = 0;
        for (var i = 0; i < code.Count; i++)
        {
            if (code[i].OpCode.Code != Mono.Cecil.Cil.Code.Stsfld || code[i].Operand is not FieldDefinition field || field.DeclaringType != type) continue;
            parts[field.Name] = parts.GetValueOrDefault(field.Name) + Fingerprint.OfRun(cctor, start, i + 1);
            start = i + 1;
        }
        parts[".cctor"] = Fingerprint.OfRun(cctor, start, code.Count);
        return parts;
    }
}
