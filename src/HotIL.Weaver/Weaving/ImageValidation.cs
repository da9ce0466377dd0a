using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace HotIL.Weaver;

/// <summary>
/// Checks an assembly image before Cecil reads it. Cecil trusts the sizes, counts and references it
/// finds: it allocates by them (a metadata stream's size, a table's row count, a generic arity in a
/// signature) and follows them recursively, so a corrupt value can exhaust memory or the stack and
/// kill the process instead of throwing. System.Reflection.Metadata validates headers, streams and
/// row counts against the image; the rest is checked here the way Cecil will read it.
/// </summary>
internal static class ImageValidation
{
    // A generic parameter's number is a 16-bit column, so no arity or index beyond it is real; Cecil
    // creates that many placeholder parameters for a referenced generic.
    private const int MaxGenericCount = ushort.MaxValue;

    // The runtime's limit; Cecil adds one dimension per rank.
    private const int MaxArrayRank = 32;

    // Far deeper than compilers nest types, far shallower than what overflows Cecil's recursive reader.
    private const int MaxNesting = 1000;

    // How many type specifications Cecil may read to build one (it reads a nested one afresh each time).
    private const int MaxTypeSpecExpansion = 100_000;

    /// <summary>Why Cecil must not read <paramref name="image"/>, or null when it may.</summary>
    public static string? FindProblem(byte[] image) => ProblemOf("its headers or metadata are malformed", () =>
    {
        // Views the array without copying it; the caller does not change it while this runs.
        using var pe = new PEReader(ImmutableCollectionsMarshal.AsImmutableArray(image));
        if (!pe.HasMetadata) return "it has no .NET metadata";
        var root = image.AsSpan(pe.PEHeaders.MetadataStartOffset, pe.PEHeaders.MetadataSize);
        CheckStreamHeaders(root);
        var metadata = pe.GetMetadataReader();
        CheckDebugData(pe, image.Length);
        CheckNesting(metadata, root);
        var types = new TypeTables(metadata, CheckGenericParameters(metadata));
        CheckSignatures(metadata, types);
        CheckMethodParentedReferences(metadata);
        CheckTypeSpecs(metadata, types);
        CheckPermissionSets(metadata);
        foreach (var handle in metadata.CustomAttributes) Blob(metadata, metadata.GetCustomAttribute(handle).Value);
        return null;
    });

    /// <summary>
    /// Why Cecil must not read <paramref name="pdb"/> as a separate portable PDB, or null when it may. Cecil trusts
    /// a PDB's stream headers and blob lengths as it does an assembly's (a corrupt sequence-point blob length makes it
    /// size a list by gigabytes), so a PDB is checked the same way before it is read.
    /// </summary>
    public static string? FindPdbProblem(byte[] pdb) => ProblemOf("it is not a readable portable PDB", () =>
    {
        using var provider = MetadataReaderProvider.FromPortablePdbImage(ImmutableCollectionsMarshal.AsImmutableArray(pdb));
        var metadata = provider.GetMetadataReader();
        CheckStreamHeaders(pdb);
        CheckDebugTables(metadata);
        return null;
    });

    // A failed check throws; the caller gets its message after what kind of file failed.
    private static string? ProblemOf(string failure, Func<string?> check)
    {
        try
        {
            return check();
        }
        catch (BadImageFormatException e)
        {
            return $"{failure} ({e.Message})";
        }
        // System.Reflection.Metadata throws other types on some corruptions too (OverflowException, for one).
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"{failure} ({e.GetType().Name}: {e.Message})";
        }
    }

    // Decodes what Cecil reads of a portable PDB with System.Reflection.Metadata, which checks every length and
    // count against its heap: document names, sequence points, local scopes with their variables and constants, and
    // import scopes. Signatures are walked with their type tokens unchecked, since they name the assembly's tables.
    private static void CheckDebugTables(MetadataReader pdb)
    {
        foreach (var handle in pdb.Documents)
        {
            var name = pdb.GetDocument(handle).Name;
            Blob(pdb, name);
            pdb.GetString(name);
        }
        foreach (var handle in pdb.MethodDebugInformation)
        {
            var information = pdb.GetMethodDebugInformation(handle);
            Blob(pdb, information.SequencePointsBlob);
            foreach (var _ in information.GetSequencePoints()) { }
        }
        foreach (var handle in pdb.LocalVariables) pdb.GetString(pdb.GetLocalVariable(handle).Name);
        foreach (var handle in pdb.ImportScopes)
        {
            var scope = pdb.GetImportScope(handle);
            Blob(pdb, scope.ImportsBlob);
            foreach (var _ in scope.GetImports()) { }
        }
        foreach (var handle in pdb.CustomDebugInformation) Blob(pdb, pdb.GetCustomDebugInformation(handle).Value);
        CheckSignatures(pdb, types: null);
    }

    // Cecil walks the stream headers its own way (a name ends at 16 bytes even without its terminator,
    // a repeated name replaces the earlier stream) and reads each stream whole at the size its header
    // gives, so a header that System.Reflection.Metadata parsed differently or skipped can still make
    // it allocate gigabytes. This walks them as ImageReader.ReadMetadata does.
    private static void CheckStreamHeaders(ReadOnlySpan<byte> root)
    {
        var offset = 16 + BinaryPrimitives.ReadInt32LittleEndian(root[12..]) + 2; // the version string, then flags
        int count = BinaryPrimitives.ReadUInt16LittleEndian(root[offset..]);
        offset += 2;
        var names = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            long start = BinaryPrimitives.ReadUInt32LittleEndian(root[offset..]), size = BinaryPrimitives.ReadUInt32LittleEndian(root[(offset + 4)..]);
            if (start + size > root.Length)
                throw new BadImageFormatException($"metadata stream {i} of {size} bytes at {start} lies outside the metadata");
            var name = ReadStreamName(root, ref offset);
            if (!names.Add(name)) throw new BadImageFormatException($"the metadata stream {name} appears twice");
        }
    }

    // The name follows the 8 bytes of offset and size; it is padded to a 4-byte boundary.
    private static string ReadStreamName(ReadOnlySpan<byte> root, ref int offset)
    {
        var name = new System.Text.StringBuilder();
        var at = offset + 8;
        for (byte b; name.Length < 16 && (b = root[at++]) != 0;) name.Append((char)b);
        if (name.Length == 16) throw new BadImageFormatException("a metadata stream name is not terminated");
        offset += 8 + ((name.Length + 4) & ~3);
        return name.ToString();
    }

    // Cecil reads each entry's data whole, and decompresses an embedded PDB to the size it declares.
    private static void CheckDebugData(PEReader pe, int imageLength)
    {
        foreach (var entry in pe.ReadDebugDirectory())
        {
            if (entry.DataPointer == 0) continue;
            if (entry.DataPointer < 0 || entry.DataSize < 0 || (long)entry.DataPointer + entry.DataSize > imageLength)
                throw new BadImageFormatException($"debug data of {entry.DataSize} bytes at {entry.DataPointer} lies outside the file");
            if (entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb)
            {
                using var pdb = pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
                CheckDebugTables(pdb.GetMetadataReader());
            }
        }
    }

    // Every signature Cecil decodes: member, local and call-site signatures, method instantiations, local constants.
    private static void CheckSignatures(MetadataReader metadata, TypeTables? types)
    {
        foreach (var handle in metadata.MethodDefinitions) CheckSignature(metadata, types, metadata.GetMethodDefinition(handle).Signature);
        foreach (var handle in metadata.FieldDefinitions) CheckSignature(metadata, types, metadata.GetFieldDefinition(handle).Signature);
        foreach (var handle in metadata.PropertyDefinitions) CheckSignature(metadata, types, metadata.GetPropertyDefinition(handle).Signature);
        foreach (var handle in metadata.MemberReferences) CheckSignature(metadata, types, metadata.GetMemberReference(handle).Signature);
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.StandAloneSig); row++)
            CheckSignature(metadata, types, metadata.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(row)).Signature);
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.MethodSpec); row++)
            CheckSignature(metadata, types, metadata.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row)).Signature);
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.LocalConstant); row++)
            new SignatureWalk(Blob(metadata, metadata.GetLocalConstant(MetadataTokens.LocalConstantHandle(row)).Signature)) { Tables = types }.Type(0);
    }

    // A generic parameter moved to another owner (a corrupt GenericParam.Owner) still loads as long as nothing
    // touches either owner, but weaving copies the parameters of every method it splits, and the woven image
    // then fails to load. The table must be sorted by owner, each owner numbering its parameters 0..n-1, and a
    // method owning as many as its signature declares (ECMA-335 II.22.20). Returns each type's arity, by row,
    // for checking the instantiations signatures make of it.
    private static int[] CheckGenericParameters(MetadataReader metadata)
    {
        var typeArity = new int[metadata.GetTableRowCount(TableIndex.TypeDef) + 1];
        var previousOwner = -1;
        var next = 0;
        for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.GenericParam); row++)
        {
            var parameter = metadata.GetGenericParameter(MetadataTokens.GenericParameterHandle(row));
            var owner = MetadataTokens.GetRowNumber(parameter.Parent) << 1 | (parameter.Parent.Kind == HandleKind.MethodDefinition ? 1 : 0);
            var owners = metadata.GetTableRowCount(parameter.Parent.Kind == HandleKind.MethodDefinition ? TableIndex.MethodDef : TableIndex.TypeDef);
            if (owner >> 1 > owners) throw new BadImageFormatException($"generic parameter {row} belongs to {parameter.Parent.Kind} row {owner >> 1}, past the end of its table");
            if (owner < previousOwner) throw new BadImageFormatException($"generic parameter {row} is out of order");
            if (owner != previousOwner) CheckArity(metadata, previousOwner, next);
            next = owner == previousOwner ? next : 0;
            if (parameter.Index != next) throw new BadImageFormatException($"generic parameter {row} is number {parameter.Index} where {next} comes next");
            if ((owner & 1) == 0 && owner >> 1 < typeArity.Length) typeArity[owner >> 1] = next + 1;
            previousOwner = owner;
            next++;
        }
        CheckArity(metadata, previousOwner, next);
        return typeArity;
    }

    // Cecil reads the NestedClass table row by row (a later row for the same type wins) and follows the enclosing
    // types recursively, so a type nested in itself, or a cycle of them, overflows the stack. Read raw, as Cecil does.
    private static void CheckNesting(MetadataReader metadata, ReadOnlySpan<byte> root)
    {
        var rows = metadata.GetTableRowCount(TableIndex.NestedClass);
        if (rows == 0) return;
        var types = metadata.GetTableRowCount(TableIndex.TypeDef);
        var table = root[metadata.GetTableMetadataOffset(TableIndex.NestedClass)..];
        var rowSize = metadata.GetTableRowSize(TableIndex.NestedClass);
        var enclosing = new int[types + 1];
        for (var row = 0; row < rows; row++)
        {
            var at = table[(row * rowSize)..];
            int nested = rowSize == 4 ? BinaryPrimitives.ReadUInt16LittleEndian(at) : BinaryPrimitives.ReadInt32LittleEndian(at);
            int outer = rowSize == 4 ? BinaryPrimitives.ReadUInt16LittleEndian(at[2..]) : BinaryPrimitives.ReadInt32LittleEndian(at[4..]);
            if (nested < 1 || nested > types || outer < 1 || outer > types)
                throw new BadImageFormatException($"nested class row {row + 1} names a type past the end of the type table");
            enclosing[nested] = outer;
        }
        // Each chain of enclosing types must end: walking one longer than the table has types means a cycle.
        var ends = new bool[types + 1];
        for (var type = 1; type <= types; type++)
        {
            var steps = 0;
            for (var t = type; enclosing[t] != 0 && !ends[t]; t = enclosing[t])
            {
                if (++steps > Math.Min(types, MaxNesting)) throw new BadImageFormatException($"type {type} is nested in itself or more than {MaxNesting} deep");
            }
            ends[type] = true;
        }
    }

    // A member reference may name a method definition as its parent only to call that vararg method with extra
    // arguments (ECMA-335 II.22.25). Cecil reads any other such reference as a member of the method's declaring
    // type and writes it back so; the input loads (a reference fails only where it is called), the woven image not.
    private static void CheckMethodParentedReferences(MetadataReader metadata)
    {
        foreach (var handle in metadata.MemberReferences)
        {
            var reference = metadata.GetMemberReference(handle);
            if (reference.Parent.Kind != HandleKind.MethodDefinition) continue;
            var row = MetadataTokens.GetRowNumber(handle);
            var parent = MetadataTokens.GetRowNumber(reference.Parent);
            if (parent > metadata.GetTableRowCount(TableIndex.MethodDef))
                throw new BadImageFormatException($"member reference {row} names method row {parent}, past the end of its table");
            var method = metadata.GetMethodDefinition((MethodDefinitionHandle)reference.Parent);
            if (Blob(metadata, reference.Signature).ReadSignatureHeader().CallingConvention != SignatureCallingConvention.VarArgs
                || !metadata.StringComparer.Equals(method.Name, metadata.GetString(reference.Name)))
                throw new BadImageFormatException($"member reference {row} names method {parent} as its parent without being a vararg call to it");
        }
    }

    // ELEMENT_TYPE_VALUETYPE; ELEMENT_TYPE_CLASS (0x12) is the other kind a type token can be introduced by.
    private const byte ValueTypeElement = 0x11;

    /// <summary>
    /// What signatures of the assembly's own metadata are checked against: its type tables, each type's generic
    /// arity, and whether signatures have so far named each type as a value type or as a class.
    /// </summary>
    private sealed class TypeTables(MetadataReader metadata, int[] arity)
    {
        private readonly int _typeDefs = metadata.GetTableRowCount(TableIndex.TypeDef);
        private readonly int _typeRefs = metadata.GetTableRowCount(TableIndex.TypeRef);
        private readonly int _typeSpecs = metadata.GetTableRowCount(TableIndex.TypeSpec);

        // 0 not named yet, 1 a class, 2 a value type.
        private readonly byte[] _typeDefKinds = new byte[metadata.GetTableRowCount(TableIndex.TypeDef) + 1];
        private readonly byte[] _typeRefKinds = new byte[metadata.GetTableRowCount(TableIndex.TypeRef) + 1];

        /// <summary>
        /// Records that a signature names <paramref name="type"/> as a value type or a class. Cecil keeps one
        /// object per type row and marks it a value type the first time a signature says so, then writes every
        /// signature naming it that way: a member reference that names a class as a value type (or the other way
        /// round) only fails where it is called, but woven it would change the signatures of correct members too.
        /// </summary>
        public void UsedAs(EntityHandle type, bool valueType)
        {
            var kinds = type.Kind switch
            {
                HandleKind.TypeDefinition => _typeDefKinds,
                HandleKind.TypeReference => _typeRefKinds,
                _ => null,
            };
            if (kinds == null) return;
            var row = MetadataTokens.GetRowNumber(type);
            var kind = (byte)(valueType ? 2 : 1);
            if (kinds[row] == 0) kinds[row] = kind;
            else if (kinds[row] != kind) throw new BadImageFormatException($"signatures name {type.Kind} row {row} both as a value type and as a class");
        }

        public bool Exists(EntityHandle type) => MetadataTokens.GetRowNumber(type) <= type.Kind switch
        {
            HandleKind.TypeDefinition => _typeDefs,
            HandleKind.TypeReference => _typeRefs,
            HandleKind.TypeSpecification => _typeSpecs,
            _ => int.MaxValue,
        };

        /// <summary>The generic arity of a type definition (zero for a non-generic one).</summary>
        public int ArityOf(TypeDefinitionHandle type) => arity[MetadataTokens.GetRowNumber(type)];
    }

    private static void CheckArity(MetadataReader metadata, int owner, int count)
    {
        if (owner < 0 || (owner & 1) == 0) return;
        var method = metadata.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(owner >> 1));
        var signature = Blob(metadata, method.Signature);
        var header = signature.ReadSignatureHeader();
        var arity = header.IsGeneric ? signature.ReadCompressedInteger() : 0;
        if (arity != count) throw new BadImageFormatException($"method {owner >> 1} has {count} generic parameters where its signature declares {arity}");
    }

    private static void CheckSignature(MetadataReader metadata, TypeTables? types, BlobHandle handle) =>
        new SignatureWalk(Blob(metadata, handle)) { Tables = types }.Signature();

    // Type specifications, and the ones each names: Cecil's MetadataReader.GetTypeSpecification reads a
    // named one afresh each time, so one that contains itself overflows the stack.
    private static void CheckTypeSpecs(MetadataReader metadata, TypeTables types)
    {
        var count = metadata.GetTableRowCount(TableIndex.TypeSpec);
        var named = new List<int>[count + 1];
        for (var row = 1; row <= count; row++)
        {
            named[row] = [];
            var signature = metadata.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).Signature;
            new SignatureWalk(Blob(metadata, signature)) { TypeSpecs = named[row], Tables = types }.Type(0);
        }
        var expansion = new int[count + 1]; // 0 not yet counted, -1 being counted
        for (var row = 1; row <= count; row++) Expansion(row, named, expansion, 0);
    }

    private static int Expansion(int row, List<int>[] named, int[] expansion, int depth)
    {
        if (row >= named.Length) throw new BadImageFormatException($"a signature names type specification {row}, which does not exist");
        if (expansion[row] > 0) return expansion[row];
        if (expansion[row] < 0) throw new BadImageFormatException($"type specification {row} contains itself");
        if (depth > MaxNesting) throw new BadImageFormatException($"type specifications nest more than {MaxNesting} deep");
        expansion[row] = -1;
        var total = 1;
        foreach (var inner in named[row])
        {
            total += Expansion(inner, named, expansion, depth + 1);
            if (total > MaxTypeSpecExpansion)
                throw new BadImageFormatException($"type specification {row} expands to more than {MaxTypeSpecExpansion} others");
        }
        return expansion[row] = total;
    }

    // Cecil reads a blob's length prefix itself, takes the prefixes 0xE0-0xFF that the format forbids for 4-byte lengths,
    // and sizes some reads by the length without comparing it with the heap (sequence points, attribute values), while
    // System.Reflection.Metadata sees such a blob as empty. So every blob read here has its prefix checked first.
    private static unsafe BlobReader Blob(MetadataReader metadata, BlobHandle handle)
    {
        if (handle.IsNil) return default;
        var heap = new ReadOnlySpan<byte>(metadata.MetadataPointer + metadata.GetHeapMetadataOffset(HeapIndex.Blob), metadata.GetHeapSize(HeapIndex.Blob));
        var offset = MetadataTokens.GetHeapOffset(handle);
        var first = heap[offset];
        var (prefix, length) = first switch
        {
            < 0x80 => (1, first),
            < 0xC0 => (2, (first & 0x3F) << 8 | heap[offset + 1]),
            < 0xE0 => (4, (first & 0x1F) << 24 | heap[offset + 1] << 16 | heap[offset + 2] << 8 | heap[offset + 3]),
            _ => throw new BadImageFormatException($"the blob at {offset} has the length prefix 0x{first:x2}, which the format does not allow"),
        };
        if ((long)offset + prefix + length > heap.Length)
            throw new BadImageFormatException($"the blob at {offset} is {length} bytes long, past the end of its heap");
        return metadata.GetBlobReader(handle);
    }

    // A binary permission set ('.', count, attributes) sizes its collection by the count.
    private static void CheckPermissionSets(MetadataReader metadata)
    {
        foreach (var handle in metadata.DeclarativeSecurityAttributes)
        {
            var blob = Blob(metadata, metadata.GetDeclarativeSecurityAttribute(handle).PermissionSet);
            if (blob.Length > 0 && blob.ReadByte() == '.') ReadCount(ref blob, "permission");
        }
    }

    // A count of items that take at least a byte each cannot exceed the bytes left in the blob.
    private static int ReadCount(ref BlobReader blob, string what)
    {
        var count = blob.ReadCompressedInteger();
        return count <= blob.RemainingBytes ? count
            : throw new BadImageFormatException($"a {what} count of {count} exceeds the {blob.RemainingBytes} bytes left in its blob");
    }

    /// <summary>Walks one signature blob as Cecil's SignatureReader will, bounding every count it allocates or loops by.</summary>
    private ref struct SignatureWalk(BlobReader blob)
    {
        private BlobReader _blob = blob;

        /// <summary>When set, collects the type specifications the blob names.</summary>
        public List<int>? TypeSpecs { get; init; }

        /// <summary>When set, every type token must name an existing row, and an instantiation of a type definition must match its arity.</summary>
        public TypeTables? Tables { get; init; }

        public void Signature()
        {
            var header = _blob.ReadSignatureHeader();
            switch (header.Kind)
            {
                case SignatureKind.Method:
                    Method(header, 0);
                    break;
                case SignatureKind.Property:
                    Types(ReadCount(ref _blob, "parameter") + 1, 0);
                    break;
                case SignatureKind.Field:
                    Type(0);
                    break;
                case SignatureKind.LocalVariables:
                    Types(ReadCount(ref _blob, "local"), 0);
                    break;
                case SignatureKind.MethodSpecification:
                    Types(ReadCount(ref _blob, "type argument"), 0);
                    break;
                default:
                    throw new BadImageFormatException($"a signature has the unknown kind {header.Kind}");
            }
        }

        // Mirrors the element types Cecil's SignatureReader.ReadTypeSignature accepts.
        public void Type(int depth)
        {
            if (depth > MaxNesting) throw new BadImageFormatException($"a signature nests types more than {MaxNesting} deep");
            var start = _blob.Offset;
            var code = _blob.ReadSignatureTypeCode();
            switch (code)
            {
                case SignatureTypeCode.Void or SignatureTypeCode.Boolean or SignatureTypeCode.Char
                    or SignatureTypeCode.SByte or SignatureTypeCode.Byte or SignatureTypeCode.Int16 or SignatureTypeCode.UInt16
                    or SignatureTypeCode.Int32 or SignatureTypeCode.UInt32 or SignatureTypeCode.Int64 or SignatureTypeCode.UInt64
                    or SignatureTypeCode.Single or SignatureTypeCode.Double or SignatureTypeCode.String or SignatureTypeCode.Object
                    or SignatureTypeCode.IntPtr or SignatureTypeCode.UIntPtr or SignatureTypeCode.TypedReference:
                    break;
                case SignatureTypeCode.TypeHandle:
                    var valueType = ByteAt(start) == ValueTypeElement;
                    Tables?.UsedAs(TypeHandle(), valueType);
                    break;
                case SignatureTypeCode.Pointer or SignatureTypeCode.ByReference or SignatureTypeCode.Pinned
                    or SignatureTypeCode.SZArray or SignatureTypeCode.Sentinel:
                    Type(depth + 1);
                    break;
                case SignatureTypeCode.RequiredModifier or SignatureTypeCode.OptionalModifier:
                    TypeHandle();
                    Type(depth + 1);
                    break;
                case SignatureTypeCode.GenericTypeParameter or SignatureTypeCode.GenericMethodParameter:
                    ReadBounded(MaxGenericCount, "generic parameter index");
                    break;
                case SignatureTypeCode.GenericTypeInstance:
                    var genericIsValueType = _blob.ReadByte() == ValueTypeElement;
                    var generic = TypeHandle();
                    Tables?.UsedAs(generic, genericIsValueType);
                    var arguments = ReadCount(ref _blob, "type argument");
                    if (generic.Kind == HandleKind.TypeDefinition && Tables?.ArityOf((TypeDefinitionHandle)generic) is { } arity && arity != arguments)
                        throw new BadImageFormatException($"a signature gives type {MetadataTokens.GetRowNumber(generic)} {arguments} type arguments where it has {arity} generic parameters");
                    Types(arguments, depth + 1);
                    break;
                case SignatureTypeCode.Array:
                    Type(depth + 1);
                    ReadBounded(MaxArrayRank, "array rank");
                    for (int i = 0, sizes = ReadCount(ref _blob, "array size"); i < sizes; i++) _blob.ReadCompressedInteger();
                    for (int i = 0, bounds = ReadCount(ref _blob, "array bound"); i < bounds; i++) _blob.ReadCompressedSignedInteger();
                    break;
                case SignatureTypeCode.FunctionPointer:
                    Method(_blob.ReadSignatureHeader(), depth + 1);
                    break;
                default:
                    throw new BadImageFormatException($"a signature has the unknown element type 0x{(int)code:x2}");
            }
        }

        private void Method(SignatureHeader header, int depth)
        {
            if (header.IsGeneric) ReadBounded(MaxGenericCount, "generic arity");
            Types(ReadCount(ref _blob, "parameter") + 1, depth);
        }

        private void Types(int count, int depth)
        {
            for (var i = 0; i < count; i++) Type(depth);
        }

        private EntityHandle TypeHandle()
        {
            var handle = _blob.ReadTypeHandle();
            if (handle.IsNil) throw new BadImageFormatException("a signature has an invalid type token");
            if (Tables != null && !Tables.Exists(handle))
                throw new BadImageFormatException($"a signature names {handle.Kind} row {MetadataTokens.GetRowNumber(handle)}, past the end of its table");
            if (handle.Kind == HandleKind.TypeSpecification) TypeSpecs?.Add(MetadataTokens.GetRowNumber(handle));
            return handle;
        }

        private readonly byte ByteAt(int offset)
        {
            var reader = _blob;
            reader.Offset = offset;
            return reader.ReadByte();
        }

        private void ReadBounded(int max, string what)
        {
            var value = _blob.ReadCompressedInteger();
            if (value > max) throw new BadImageFormatException($"a signature's {what} of {value} exceeds {max}");
        }
    }
}
