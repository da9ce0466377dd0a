using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace HotIL.Compilation;

/// <summary>
/// The source texts the running program was built from, as its PDB embeds them (an enabled build sets
/// <c>EmbedAllSources</c>). The reload baseline must be the build's sources, not the disk when warm-up reads it:
/// a save made between the build and then would otherwise be taken for the running code and never applied,
/// and the running program's lambdas would be matched against code it does not run.
/// </summary>
internal static class BuiltSources
{
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    /// <summary>Path → text of every document the PDB of <paramref name="assemblyPath"/> embeds; empty when it has none.</summary>
    public static IReadOnlyDictionary<string, string> Read(string assemblyPath)
    {
        try
        {
            using var provider = OpenPdb(assemblyPath);
            return provider == null ? new Dictionary<string, string>() : Texts(provider.GetMetadataReader());
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or InvalidDataException or UnauthorizedAccessException)
        {
            // Without the build's texts the disk stands in for them, as before.
            return new Dictionary<string, string>();
        }
    }

    // A PDB beside the assembly, or one embedded in it (DebugType=embedded).
    private static MetadataReaderProvider? OpenPdb(string assemblyPath)
    {
        var beside = Path.ChangeExtension(assemblyPath, ".pdb");
        if (File.Exists(beside)) return MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(beside));
        if (!File.Exists(assemblyPath)) return null;
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var embedded = pe.ReadDebugDirectory().FirstOrDefault(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        return embedded.DataSize == 0 ? null : pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
    }

    private static Dictionary<string, string> Texts(MetadataReader reader)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var handle in reader.Documents)
        {
            foreach (var info in reader.GetCustomDebugInformation(handle))
            {
                var custom = reader.GetCustomDebugInformation(info);
                if (reader.GetGuid(custom.Kind) != EmbeddedSource) continue;
                texts[reader.GetString(reader.GetDocument(handle).Name)] = Decode(reader.GetBlobBytes(custom.Value));
            }
        }
        return texts;
    }

    // The blob is a 4-byte uncompressed size (0: the bytes follow as they are) and the bytes, deflated.
    private static string Decode(byte[] blob)
    {
        var size = BitConverter.ToInt32(blob, 0);
        byte[] bytes;
        if (size == 0) bytes = blob[4..];
        else
        {
            bytes = new byte[size];
            using var inflate = new DeflateStream(new MemoryStream(blob, 4, blob.Length - 4), CompressionMode.Decompress);
            inflate.ReadExactly(bytes);
        }
        // As the compiler read the file: UTF-8, a byte-order mark detected.
        using var text = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return text.ReadToEnd();
    }
}
