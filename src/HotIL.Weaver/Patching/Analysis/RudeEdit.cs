namespace HotIL.Weaver.Patching;

/// <summary>Kinds of edit that cannot be applied in place. Each has one row in <see cref="RudeEdits"/>.</summary>
internal enum RudeEditKind
{
    /// <summary>A field was added to a loaded struct or generic type (classes take added fields in side storage).</summary>
    FieldAdded,
    /// <summary>A field's type changed.</summary>
    FieldTypeChanged,
    /// <summary>The base class changed.</summary>
    BaseTypeChanged,
    /// <summary>The list of implemented interfaces changed.</summary>
    InterfacesChanged,
    /// <summary>A class became a struct, an interface, an enum, or the reverse.</summary>
    TypeKindChanged,
    /// <summary>Generic parameters of a type changed.</summary>
    GenericParametersChanged,
    /// <summary>A member was removed from an enum or its value changed.</summary>
    EnumChanged,
    /// <summary>A virtual, abstract or override method was added.</summary>
    VirtualMethodAdded,
    /// <summary>A virtual, abstract or override method was removed.</summary>
    VirtualMethodRemoved,
    /// <summary>A constructor was added to a loaded type.</summary>
    ConstructorAdded,
    /// <summary>A method that the weaver could not give a slot was changed.</summary>
    MethodNotReloadable,
    /// <summary>A method was added to a type that cannot host added methods.</summary>
    MethodAddedToUnsupportedType,
    /// <summary>A struct method became readonly or mutating, or a parameter changed between <c>in</c> and <c>ref</c>.</summary>
    ReadOnlinessChanged,
    /// <summary>A field was added whose initial value only a constructor can compute (objects that exist never ran it).</summary>
    FieldNeedsConstructor,
}

/// <summary>An edit the reload rejected, with where it is.</summary>
/// <param name="Kind">What kind of edit.</param>
/// <param name="TypeFullName">The type it concerns (Cecil form).</param>
/// <param name="MemberName">The member it concerns, if any.</param>
/// <param name="Detail">Specifics, e.g. the reason a method is not reloadable.</param>
internal sealed record RudeEdit(RudeEditKind Kind, string TypeFullName, string? MemberName, string? Detail = null)
{
    /// <summary>The diagnostic ID.</summary>
    public string Id => RudeEdits.Descriptor(Kind).Id;

    /// <summary>The user-facing message.</summary>
    public string Message
    {
        get
        {
            var subject = TypeFullName.Replace('/', '.') + (MemberName == null ? "" : "." + MemberName);
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, RudeEdits.Descriptor(Kind).Format, subject);
            return Detail == null ? text : $"{text} ({Detail})";
        }
    }
}

/// <summary>The one table of rude-edit diagnostics: ID and message per kind.</summary>
internal static class RudeEdits
{
    /// <summary>ID and message format ({0} is the subject) of one rude-edit kind.</summary>
    public sealed record Row(string Id, string Format);

    private static readonly Dictionary<RudeEditKind, Row> Table = new()
    {
        [RudeEditKind.FieldAdded] = new(DiagnosticIds.FieldAdded, "adding field {0} to this type cannot be applied while the program runs; restart to apply"),
        [RudeEditKind.FieldTypeChanged] = new(DiagnosticIds.FieldTypeChanged, "changing the type of field {0} cannot be applied to live objects; restart to apply"),
        [RudeEditKind.BaseTypeChanged] = new(DiagnosticIds.BaseTypeChanged, "changing the base class of {0} cannot be applied to live objects; restart to apply"),
        [RudeEditKind.InterfacesChanged] = new(DiagnosticIds.InterfacesChanged, "changing the interfaces of {0} is not supported yet; restart to apply"),
        [RudeEditKind.TypeKindChanged] = new(DiagnosticIds.TypeKindChanged, "changing the kind of type {0} cannot be applied; restart to apply"),
        [RudeEditKind.GenericParametersChanged] = new(DiagnosticIds.GenericParametersChanged, "changing the generic parameters of {0} cannot be applied; restart to apply"),
        [RudeEditKind.EnumChanged] = new(DiagnosticIds.EnumChanged, "removing or renumbering members of enum {0} cannot be applied to live values; restart to apply"),
        [RudeEditKind.VirtualMethodAdded] = new(DiagnosticIds.VirtualMethodAdded, "adding virtual, abstract or override method {0} cannot be applied here; restart to apply"),
        [RudeEditKind.VirtualMethodRemoved] = new(DiagnosticIds.VirtualMethodRemoved, "removing virtual, abstract or override method {0} is not supported yet; restart to apply"),
        [RudeEditKind.ConstructorAdded] = new(DiagnosticIds.ConstructorAdded, "adding constructor {0} is not supported for this type yet; restart to apply"),
        [RudeEditKind.MethodNotReloadable] = new(DiagnosticIds.MethodNotReloadable, "{0} changed but cannot be reloaded"),
        [RudeEditKind.MethodAddedToUnsupportedType] = new(DiagnosticIds.MethodAddedToUnsupportedType, "adding method {0} to this kind of type is not supported yet; restart to apply"),
        [RudeEditKind.ReadOnlinessChanged] = new(DiagnosticIds.ReadOnlinessChanged, "changing whether {0} may modify its struct receiver or an argument (readonly, in, ref) cannot be applied; restart to apply"),
        [RudeEditKind.FieldNeedsConstructor] = new(DiagnosticIds.FieldNeedsConstructor, "{0} would be a new field whose value comes from the constructor, which objects that already exist will not run again; restart to apply"),
    };

    /// <summary>The row of <paramref name="kind"/>.</summary>
    public static Row Descriptor(RudeEditKind kind) => Table[kind];

    /// <summary>Every row, for documentation and tests.</summary>
    public static IReadOnlyDictionary<RudeEditKind, Row> All => Table;
}
