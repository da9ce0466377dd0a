namespace HotIL.Weaver.Patching;

/// <summary>Compares two snapshots of the same project and produces the <see cref="ChangeSet"/>.</summary>
internal static class ModuleDiff
{




    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>.</summary>
    public static ChangeSet Compare(ModuleSnapshot before, ModuleSnapshot after)
    {
        var rude = new List<RudeEdit>();
        var warnings = new List<EditWarning>();
        var changed = new List<MethodKey>();
        var added = new List<MethodKey>();
        var removed = new List<MethodKey>();
        // A new closure is not news to the user: the lambdas it holds are reported with the member they are written in.
        // A type that comes back under a name it had before is the loaded type again, not a new one.
        var addedTypes = after.Types.Values.Where(t => !t.IsClosure && !before.Types.ContainsKey(t.FullName) && !before.RemovedTypes.ContainsKey(t.FullName))
            .Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
        var addedFields = new List<AddedFieldChange>();
        var addedOverrides = new List<(MethodKey, MethodKey)>();

        // A partial compile hands on the shapes of the types it did not compile in full: the same objects, nothing to compare.
        foreach (var (name, shape) in after.Types)
            if ((before.Types.GetValueOrDefault(name) ?? before.RemovedTypes.GetValueOrDefault(name)) is { } old && !ReferenceEquals(old, shape))
                CompareTypes(old, shape, rude, warnings, addedFields);

        foreach (var (key, method) in after.Methods)
        {
            if (!before.Types.ContainsKey(key.DeclaringTypeFullName) && !before.RemovedTypes.ContainsKey(key.DeclaringTypeFullName)) continue;
            // A method that comes back has its old slot, pointing at a tombstone: repoint it, whatever its body.
            if (!before.Methods.ContainsKey(key) && before.RemovedMethods.TryGetValue(key, out var buried) && Returns(buried, method))
            {
                changed.Add(key);
                continue;
            }
            var exists = before.Methods.TryGetValue(key, out var old);
            if (ReferenceEquals(old, method)) continue;
            // Woven callers copy read-only receivers and `in` arguments when they call a replaced body (decision 0010).
            if (exists && old!.ReadOnlyArguments != method.ReadOnlyArguments && old.NotReloadableBecause == null)
            {
                rude.Add(new RudeEdit(RudeEditKind.ReadOnlinessChanged, key.DeclaringTypeFullName, NameOf(key)));
                continue;
            }
            if (exists && old!.Attributes != method.Attributes && !method.IsCompilerGenerated)
                warnings.Add(AttributeWarning(key.DeclaringTypeFullName, NameOf(key), method.Key.DisplayName));
            if (exists && old!.Fingerprint == method.Fingerprint) continue;
            if (method.IsStaticConstructor)
            {
                if (!after.Types[key.DeclaringTypeFullName].IsClosure)
                    warnings.AddRange(StaticInitializerWarnings(before.Types[key.DeclaringTypeFullName], after.Types[key.DeclaringTypeFullName], addedFields));
            }
            else if (!exists) ClassifyAdded(method, after.Types[key.DeclaringTypeFullName], after, added, addedOverrides, rude);
            // The running program has a slot only if the old method was woven.
            else if ((old!.NotReloadableBecause ?? method.NotReloadableBecause) is { } why)
                rude.Add(new RudeEdit(RudeEditKind.MethodNotReloadable, key.DeclaringTypeFullName, NameOf(key), why));
            else changed.Add(key);
        }

        foreach (var (key, method) in before.Methods)
        {
            if (after.Methods.ContainsKey(key) || method.IsCompilerGenerated || method.NotReloadableBecause != null) continue;
            if (method.IsVirtual && after.Types.ContainsKey(key.DeclaringTypeFullName))
                rude.Add(new RudeEdit(RudeEditKind.VirtualMethodRemoved, key.DeclaringTypeFullName, NameOf(key)));
            else removed.Add(key);
        }
        warnings.AddRange(StartupWarnings(after, changed));
        warnings.AddRange(ReflectionWarnings(after, added));
        return new ChangeSet(changed, added, removed, addedTypes, rude.Distinct().ToList(), warnings) { AddedFields = addedFields, AddedOverrides = addedOverrides };
    }

    private static bool Returns(MethodShape buried, MethodShape method) =>
        !buried.IsCompilerGenerated && buried.NotReloadableBecause == null && method.NotReloadableBecause == null
        && !buried.IsStaticConstructor && buried.ReadOnlyArguments == method.ReadOnlyArguments;

    // One warning per static field whose initializer changed, and one for the rest of the static constructor: none of it runs again.
    private static IEnumerable<EditWarning> StaticInitializerWarnings(TypeShape before, TypeShape after, List<AddedFieldChange> addedFields)
    {
        var type = after.FullName;
        var shown = type.Replace('/', '.');
        var named = false;
        foreach (var (field, code) in after.StaticInitializers)
        {
            if (field == ".cctor" || !before.Fields.ContainsKey(field) || before.StaticInitializers.GetValueOrDefault(field) == code) continue;
            named = true;
            yield return new EditWarning(DiagnosticIds.StaticConstructorEdited, type, field,
                $"the initializer of static field {shown}.{FieldName(field)} changed; static initializers do not run again, so the field keeps its value until a restart")
                { NeedsRestart = true };
        }
        if (!named || before.StaticInitializers.GetValueOrDefault(".cctor") != after.StaticInitializers.GetValueOrDefault(".cctor"))
        {
            var text = $"the static constructor of {shown} changed; it does not run again, so static state keeps its values until a restart";
            if (addedFields.Any(f => f.IsStatic && f.TypeFullName == type)) text += " (initializers of added static fields do run, on first use)";
            yield return new EditWarning(DiagnosticIds.StaticConstructorEdited, type, ".cctor", text) { NeedsRestart = true };
        }
    }

    // <p>P is where a class keeps primary constructor parameter p once a member uses it after construction.
    private static string ConstructorOnlyDetail(string field) =>
        field.StartsWith('<') && field.EndsWith(">P", StringComparison.Ordinal)
            ? $"a member now uses primary constructor parameter {field[1..^2]} after construction, so the class would keep it in a field that existing objects never filled"
            : "its initializer uses the constructor's parameters or code that only the constructor runs";

    // <Name>k__BackingField is the user's auto-property Name.
    private static string FieldName(string field) =>
        field.StartsWith('<') && field.EndsWith(">k__BackingField", StringComparison.Ordinal) ? field[1..field.IndexOf('>')] : field;

    private static EditWarning AttributeWarning(string type, string member, string shown) =>
        new(DiagnosticIds.AttributesEdited, type, member,
            $"the attributes of {shown} changed; they are part of the loaded type, so code that reads them (reflection, serializers, frameworks) sees the old ones until a restart")
        { NeedsRestart = true };

    // A changed method that ran only at start-up: applied, but nothing will call it again.
    private static IEnumerable<EditWarning> StartupWarnings(ModuleSnapshot after, List<MethodKey> changed)
    {
        var startup = StartupCode.Of(after);
        foreach (var key in changed)
        {
            if (!startup.TryGetValue(key, out var root)) continue;
            var text = key == after.EntryPoint
                ? $"{key.DisplayName} is the program's entry point: it ran when the program started and does not run again, so the change takes effect after a restart (lambdas and local functions in it take their edits as usual)"
                : $"{key.DisplayName} changed, but it runs only at start-up (called from {root.DisplayName}): what it did then, such as mapping routes, registering services or subscribing handlers, is not redone, so the change takes effect after a restart";
            yield return new EditWarning(DiagnosticIds.StartupCodeEdited, key.DeclaringTypeFullName, NameOf(key), text) { NeedsRestart = true };
        }
    }


    // Code compiled from now on reaches an added member, but the loaded type does not list it: serializers, model
    // binding, MVC and minimal-API discovery, dependency injection and EF Core read types by reflection.
    private static IEnumerable<EditWarning> ReflectionWarnings(ModuleSnapshot after, List<MethodKey> added)
    {
        var reported = new HashSet<(string, string)>();
        foreach (var key in added)
        {
            var method = after.Methods[key];
            if (!method.IsVisibleOutside || after.Types[key.DeclaringTypeFullName].IsClosure) continue;
            var isAccessor = key.Name.StartsWith("get_", StringComparison.Ordinal) || key.Name.StartsWith("set_", StringComparison.Ordinal);
            var member = isAccessor ? key.Name[4..] : NameOf(key);
            if (!reported.Add((key.DeclaringTypeFullName, member))) continue;
            var shown = key.DeclaringTypeFullName.Replace('/', '.') + (method.IsConstructor ? "" : "." + member);
            var what = method.IsConstructor ? $"constructor {NameOf(key).Replace(".ctor", shown)}" : member == NameOf(key) ? "method " + shown : "property " + shown;
            yield return new EditWarning(DiagnosticIds.AddedMembersHiddenFromReflection, key.DeclaringTypeFullName, method.IsConstructor ? null : member,
                $"the added {what} is used by code compiled from now on, but reflection over the loaded type does not list it: serializers (System.Text.Json), " +
                "model binding, MVC and minimal-API discovery, dependency injection and EF Core see the type as it was until a restart");
        }
    }

    private static bool ImplementedElsewhere(MethodShape method, ModuleSnapshot after) =>
        after.Methods.Values.Any(m => m.Key.DeclaringTypeFullName != method.Key.DeclaringTypeFullName
            && (m.Key.Name == method.Key.Name || m.Key.Name.EndsWith("." + method.Key.Name, StringComparison.Ordinal)));

    // Added virtual members of loaded classes are dispatched by type tests in front of the base method's slot.
    private static void ClassifyAdded(MethodShape method, TypeShape type, ModuleSnapshot after, List<MethodKey> added, List<(MethodKey, MethodKey)> overrides, List<RudeEdit> rude)
    {
        var name = NameOf(method.Key);
        if (method.IsVirtual && method.NotReloadableBecause == null && type.Kind == "class" && method.Role == VirtualRole.Override)
        {
            added.Add(method.Key);
            overrides.Add((method.Key, method.Overrides!.Value));
        }
        else if (method.IsVirtual && method.NotReloadableBecause == null && type.Kind == "class" && method.Role == VirtualRole.NewVirtual) added.Add(method.Key);
        // A default interface method added to a loaded interface is called as a static body taking the receiver; a class
        // with a method of that name might implement it, and would not be dispatched to.
        else if (method.IsVirtual && type.Kind == "interface" && method.NotReloadableBecause == null && !ImplementedElsewhere(method, after))
            added.Add(method.Key);
        else if (method.IsVirtual)
            rude.Add(new RudeEdit(RudeEditKind.VirtualMethodAdded, type.FullName, name,
                "only overrides of a class method of this project and new virtual methods with a body can be added; not abstract or interface members, nor overrides of types outside the project such as ToString"));
        // An added constructor becomes a static body, and `new` of it a factory that allocates and runs it (PatchBuilder).
        else if (method.IsConstructor && type.GenericArity > 0)
            rude.Add(new RudeEdit(RudeEditKind.ConstructorAdded, type.FullName, name, "constructors cannot be added to generic types yet"));
        else if (method.IsConstructor) added.Add(method.Key);
        // An added auto-property's accessors are added methods; its backing field is an added field.
        else if (method.NotReloadableBecause == Eligibility.AutoAccessorReason) added.Add(method.Key);
        else if (method.NotReloadableBecause != null)
            rude.Add(new RudeEdit(RudeEditKind.MethodAddedToUnsupportedType, type.FullName, name, method.NotReloadableBecause));
        else added.Add(method.Key);
    }

    private static void CompareTypes(TypeShape before, TypeShape after, List<RudeEdit> rude, List<EditWarning> warnings, List<AddedFieldChange> addedFields)
    {
        var name = after.FullName;
        if (!after.IsClosure) CompareAttributes(before, after, warnings);
        if (before.Kind != after.Kind) { rude.Add(new RudeEdit(RudeEditKind.TypeKindChanged, name, null, $"{before.Kind} → {after.Kind}")); return; }
        if (before.GenericArity != after.GenericArity) rude.Add(new RudeEdit(RudeEditKind.GenericParametersChanged, name, null));
        if (before.BaseType != after.BaseType) rude.Add(new RudeEdit(RudeEditKind.BaseTypeChanged, name, null, $"{before.BaseType} → {after.BaseType}"));
        if (!before.Interfaces.SequenceEqual(after.Interfaces)) rude.Add(new RudeEdit(RudeEditKind.InterfacesChanged, name, null));
        CompareEnumMembers(before, after, rude, warnings);
        foreach (var (field, type) in after.Fields)
        {
            if (!before.Fields.TryGetValue(field, out var oldType))
            {
                // A value existing objects had at construction but never kept would be read as a default: wrong. One from a
                // parameter that is new as well (a record's new positional member) they never had: they start at default.
                var startsAtDefault = false;
                if (after.ConstructorOnlyFields.TryGetValue(field, out var sources))
                {
                    if (sources.Count == 0 || sources.Any(s => s == AddedFieldStorage.OtherState || before.ConstructorParameters.Contains(s)))
                    {
                        rude.Add(new RudeEdit(RudeEditKind.FieldNeedsConstructor, name, field, ConstructorOnlyDetail(field)));
                        continue;
                    }
                    startsAtDefault = true;
                }
                // Side storage is keyed by object identity, so classes only; a generic class keeps one per instantiation.
                if (after.Kind == "class")
                    addedFields.Add(new AddedFieldChange(name, field, type.StartsWith("static ", StringComparison.Ordinal)) { StartsAtDefault = startsAtDefault });
                else rude.Add(new RudeEdit(RudeEditKind.FieldAdded, name, field, "a struct's layout is fixed while values of it exist"));
            }
            else if (oldType != type) rude.Add(new RudeEdit(RudeEditKind.FieldTypeChanged, name, field, $"{oldType} → {type}"));
        }
    }

    private static void CompareAttributes(TypeShape before, TypeShape after, List<EditWarning> warnings)
    {
        var shown = after.FullName.Replace('/', '.');
        if (before.Attributes != after.Attributes) warnings.Add(AttributeWarning(after.FullName, null!, shown) with { MemberName = null });
        foreach (var (member, attributes) in after.MemberAttributes)
            if (before.MemberAttributes.TryGetValue(member, out var old) && old != attributes && !member.StartsWith('<'))
                warnings.Add(AttributeWarning(after.FullName, member, shown + "." + member));
    }

    // New members are constants the new code compiles in; only renumbering or removing breaks live values.
    private static void CompareEnumMembers(TypeShape before, TypeShape after, List<RudeEdit> rude, List<EditWarning> warnings)
    {
        var added = after.EnumMembers.Except(before.EnumMembers).ToArray();
        if (before.EnumMembers.Except(after.EnumMembers).Any()) rude.Add(new RudeEdit(RudeEditKind.EnumChanged, after.FullName, null));
        else if (added.Length > 0)
            warnings.Add(new EditWarning(DiagnosticIds.EnumMembersAdded, after.FullName, null,
                $"enum {after.FullName.Replace('/', '.')} gained {string.Join(", ", added.Select(m => m.Split('=')[0]))}: new code uses their values, " +
                "but the loaded type does not know their names (ToString, Enum.Parse and reflection show the number until a restart)"));
    }

    private static string NameOf(MethodKey key)
    {
        var display = key.DisplayName;
        var typeLength = key.DeclaringTypeFullName.Length + 1;
        return display[typeLength..];
    }
}
