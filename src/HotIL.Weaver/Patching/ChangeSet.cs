namespace HotIL.Weaver.Patching;

/// <summary>A field added to a loaded class; it lives in side storage in the patch that adds it.</summary>
public sealed record AddedFieldChange(string TypeFullName, string Name, bool IsStatic);

/// <summary>A warning about an edit that is applied but does not do everything the user may expect.</summary>
public sealed record EditWarning(string Id, string TypeFullName, string? MemberName, string Message);

/// <summary>
/// What changed between two compilations, decided before anything is built or loaded (pure data).
/// A change set with rude edits is never applied.
/// </summary>
public sealed record ChangeSet(
    IReadOnlyList<MethodKey> Changed,
    IReadOnlyList<MethodKey> Added,
    IReadOnlyList<MethodKey> Removed,
    IReadOnlyList<string> AddedTypes,
    IReadOnlyList<RudeEdit> RudeEdits,
    IReadOnlyList<EditWarning> Warnings)
{
    /// <summary>Fields added to loaded classes.</summary>
    public IReadOnlyList<AddedFieldChange> AddedFields { get; init; } = [];

    /// <summary>Overrides added to loaded classes (also in <see cref="Added"/>), each with the base method it overrides.</summary>
    public IReadOnlyList<(MethodKey Override, MethodKey Root)> AddedOverrides { get; init; } = [];

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Changed.Count == 0 && Added.Count == 0 && Removed.Count == 0 && AddedTypes.Count == 0 && AddedFields.Count == 0;

    /// <summary>Whether the change set may be applied.</summary>
    public bool CanApply => RudeEdits.Count == 0;
}

/// <summary>Compares two snapshots of the same project and produces the <see cref="ChangeSet"/>.</summary>
public static class ModuleDiff
{
    /// <summary>Diagnostic ID of the warning for an edited static constructor or static initializer.</summary>
    public const string StaticConstructorEdited = "HOTIL2001";

    /// <summary>Diagnostic ID of the warning for members added to a loaded enum.</summary>
    public const string EnumMembersAdded = "HOTIL2002";

    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>.</summary>
    public static ChangeSet Compare(ModuleSnapshot before, ModuleSnapshot after)
    {
        var rude = new List<RudeEdit>();
        var warnings = new List<EditWarning>();
        var changed = new List<MethodKey>();
        var added = new List<MethodKey>();
        var removed = new List<MethodKey>();
        // A new closure is not news to the user: the lambdas it holds are reported with the member they are written in.
        var addedTypes = after.Types.Values.Where(t => !t.IsClosure && !before.Types.ContainsKey(t.FullName)).Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
        var addedFields = new List<AddedFieldChange>();
        var addedOverrides = new List<(MethodKey, MethodKey)>();

        foreach (var (name, shape) in after.Types)
            if (before.Types.TryGetValue(name, out var old)) CompareTypes(old, shape, rude, warnings, addedFields);

        foreach (var (key, method) in after.Methods)
        {
            if (!before.Types.ContainsKey(key.DeclaringTypeFullName)) continue;
            var exists = before.Methods.TryGetValue(key, out var old);
            // Woven callers copy read-only receivers and `in` arguments when they call a replaced body (decision 0010).
            if (exists && old!.ReadOnlyArguments != method.ReadOnlyArguments && old.NotReloadableBecause == null)
            {
                rude.Add(new RudeEdit(RudeEditKind.ReadOnlinessChanged, key.DeclaringTypeFullName, NameOf(key)));
                continue;
            }
            if (exists && old!.Fingerprint == method.Fingerprint) continue;
            if (method.IsStaticConstructor)
            {
                if (!after.Types[key.DeclaringTypeFullName].IsClosure) warnings.Add(StaticConstructorWarning(key, addedFields));
            }
            else if (!exists) ClassifyAdded(method, after.Types[key.DeclaringTypeFullName], added, addedOverrides, rude);
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
        return new ChangeSet(changed, added, removed, addedTypes, rude, warnings) { AddedFields = addedFields, AddedOverrides = addedOverrides };
    }

    private static EditWarning StaticConstructorWarning(MethodKey key, List<AddedFieldChange> addedFields)
    {
        var type = key.DeclaringTypeFullName;
        var text = $"the static constructor or a static field initializer of {type.Replace('/', '.')} changed; it does not run again, so existing static state is kept";
        if (addedFields.Any(f => f.IsStatic && f.TypeFullName == type)) text += " (initializers of added static fields do run, on first use)";
        return new EditWarning(StaticConstructorEdited, type, ".cctor", text);
    }

    // Added virtual members of loaded classes are dispatched by type tests in front of the base method's slot.
    private static void ClassifyAdded(MethodShape method, TypeShape type, List<MethodKey> added, List<(MethodKey, MethodKey)> overrides, List<RudeEdit> rude)
    {
        var name = NameOf(method.Key);
        if (method.IsVirtual && method.NotReloadableBecause == null && type.Kind == "class" && method.Role == VirtualRole.Override)
        {
            added.Add(method.Key);
            overrides.Add((method.Key, method.Overrides!.Value));
        }
        else if (method.IsVirtual && method.NotReloadableBecause == null && type.Kind == "class" && method.Role == VirtualRole.NewVirtual) added.Add(method.Key);
        else if (method.IsVirtual)
            rude.Add(new RudeEdit(RudeEditKind.VirtualMethodAdded, type.FullName, name,
                "only overrides of a class method of this project and new virtual methods with a body can be added; not abstract or interface members, nor overrides of types outside the project such as ToString"));
        else if (method.IsConstructor) rude.Add(new RudeEdit(RudeEditKind.ConstructorAdded, type.FullName, name));
        else if (method.NotReloadableBecause != null)
            rude.Add(new RudeEdit(RudeEditKind.MethodAddedToUnsupportedType, type.FullName, name, method.NotReloadableBecause));
        else added.Add(method.Key);
    }

    private static void CompareTypes(TypeShape before, TypeShape after, List<RudeEdit> rude, List<EditWarning> warnings, List<AddedFieldChange> addedFields)
    {
        var name = after.FullName;
        if (before.Kind != after.Kind) { rude.Add(new RudeEdit(RudeEditKind.TypeKindChanged, name, null, $"{before.Kind} → {after.Kind}")); return; }
        if (before.GenericArity != after.GenericArity) rude.Add(new RudeEdit(RudeEditKind.GenericParametersChanged, name, null));
        if (before.BaseType != after.BaseType) rude.Add(new RudeEdit(RudeEditKind.BaseTypeChanged, name, null, $"{before.BaseType} → {after.BaseType}"));
        if (!before.Interfaces.SequenceEqual(after.Interfaces)) rude.Add(new RudeEdit(RudeEditKind.InterfacesChanged, name, null));
        CompareEnumMembers(before, after, rude, warnings);
        foreach (var (field, type) in after.Fields)
        {
            if (!before.Fields.TryGetValue(field, out var oldType))
            {
                // Side storage is keyed by object identity: classes only, and no per-instantiation storage yet.
                if (after.Kind == "class" && after.GenericArity == 0) addedFields.Add(new AddedFieldChange(name, field, type.StartsWith("static ", StringComparison.Ordinal)));
                else rude.Add(new RudeEdit(RudeEditKind.FieldAdded, name, field, after.Kind == "struct" ? "a struct's layout is fixed while values of it exist" : "fields of generic types need per-instantiation storage"));
            }
            else if (oldType != type) rude.Add(new RudeEdit(RudeEditKind.FieldTypeChanged, name, field, $"{oldType} → {type}"));
        }
    }

    // New members are constants the new code compiles in; only renumbering or removing breaks live values.
    private static void CompareEnumMembers(TypeShape before, TypeShape after, List<RudeEdit> rude, List<EditWarning> warnings)
    {
        var added = after.EnumMembers.Except(before.EnumMembers).ToArray();
        if (before.EnumMembers.Except(after.EnumMembers).Any()) rude.Add(new RudeEdit(RudeEditKind.EnumChanged, after.FullName, null));
        else if (added.Length > 0)
            warnings.Add(new EditWarning(EnumMembersAdded, after.FullName, null,
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
