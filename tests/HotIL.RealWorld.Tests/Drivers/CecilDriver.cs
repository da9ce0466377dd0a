using System.Security.Cryptography;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.RealWorld.Tests.Drivers;

/// <summary>
/// Runs Mono.Cecil over real assemblies: read each one, describe what was read, write it back to
/// memory, and record a digest of the bytes written. Runs inside a <c>Side</c>, bound to that side's Cecil.
/// </summary>
public static class CecilDriver
{
    /// <summary>
    /// One line per assembly: name, written size, SHA-256 of the written image (and PDB), and a digest of
    /// its structure as read (types, members, attributes, IL with operands). Failures are recorded, not thrown.
    /// </summary>
    /// <param name="paths">Assemblies to read; a PDB beside one is read and written too.</param>
    /// <param name="fullIl">Whether the structure digest covers every instruction's operand (slower).</param>
    public static string[] RoundTrip(string[] paths, bool fullIl)
    {
        var lines = new string[paths.Length];
        for (var i = 0; i < paths.Length; i++) lines[i] = RoundTripOne(paths[i], fullIl);
        return lines;
    }

    private static string RoundTripOne(string path, bool fullIl)
    {
        var name = Path.GetFileName(path);
        try
        {
            var pdbPath = Path.ChangeExtension(path, ".pdb");
            var withSymbols = File.Exists(pdbPath);
            using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(path)), new ReaderParameters
            {
                ReadingMode = ReadingMode.Immediate,
                ReadSymbols = withSymbols,
                SymbolReaderProvider = withSymbols ? new PortablePdbReaderProvider() : null,
                SymbolStream = withSymbols ? new MemoryStream(File.ReadAllBytes(pdbPath)) : null,
            });
            var structure = Describe(module, fullIl);
            // ReadyToRun images carry native code, which Cecil does not write: keep their IL only.
            var readyToRun = (module.Attributes & ModuleAttributes.ILOnly) == 0;
            if (readyToRun) module.Attributes = (module.Attributes | ModuleAttributes.ILOnly) & ~ModuleAttributes.ILLibrary;
            var image = new MemoryStream();
            var pdb = withSymbols ? new MemoryStream() : null;
            module.Write(image, new WriterParameters
            {
                DeterministicMvid = true,
                WriteSymbols = withSymbols,
                SymbolWriterProvider = withSymbols ? new PortablePdbWriterProvider() : null,
                SymbolStream = pdb,
            });
            return $"{name}{(readyToRun ? " (IL of R2R)" : "")} {image.Length} {Hash(image.ToArray())} {(pdb == null ? "-" : Hash(pdb.ToArray()))} {structure}";
        }
        catch (Exception e)
        {
            return $"{name} ! {e.GetType().FullName}: {e.Message}";
        }
    }

    private static string Describe(ModuleDefinition module, bool fullIl)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder();
        int types = 0, methods = 0, fields = 0, instructions = 0, attributes = 0;
        void Flush()
        {
            sha.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
            text.Clear();
        }
        text.Append(module.Assembly?.FullName).Append(module.RuntimeVersion).Append(module.Architecture);
        foreach (var reference in module.AssemblyReferences) text.Append(reference.FullName).Append(';');
        foreach (var a in module.Assembly?.CustomAttributes ?? []) Attribute(text, a, ref attributes);
        foreach (var type in module.GetTypes())
        {
            types++;
            text.Append('\n').Append(type.FullName).Append(':').Append(type.Attributes).Append(':').Append(type.BaseType?.FullName);
            foreach (var i in type.Interfaces) text.Append(',').Append(i.InterfaceType.FullName);
            foreach (var gp in type.GenericParameters) text.Append('<').Append(gp.Name).Append(gp.Attributes).Append(string.Join("&", gp.Constraints.Select(c => c.ConstraintType.FullName)));
            foreach (var a in type.CustomAttributes) Attribute(text, a, ref attributes);
            foreach (var field in type.Fields)
            {
                fields++;
                text.Append("\n f ").Append(field.FullName).Append(field.Attributes).Append(field.Constant).Append(field.Offset);
                if (field.InitialValue.Length > 0) text.Append(Convert.ToHexString(SHA256.HashData(field.InitialValue)));
            }
            foreach (var property in type.Properties) text.Append("\n p ").Append(property.FullName).Append(property.GetMethod?.Name).Append(property.SetMethod?.Name);
            foreach (var e in type.Events) text.Append("\n e ").Append(e.FullName);
            foreach (var method in type.Methods)
            {
                methods++;
                text.Append("\n m ").Append(method.FullName).Append(method.Attributes).Append(method.ImplAttributes);
                foreach (var o in method.Overrides) text.Append(" overrides ").Append(o.FullName);
                foreach (var a in method.CustomAttributes) Attribute(text, a, ref attributes);
                if (method.HasPInvokeInfo) text.Append(" pinvoke ").Append(method.PInvokeInfo.EntryPoint).Append(method.PInvokeInfo.Module.Name);
                if (!method.HasBody) continue;
                var body = method.Body;
                text.Append(" body ").Append(body.CodeSize).Append(',').Append(body.MaxStackSize).Append(',').Append(body.InitLocals)
                    .Append(',').Append(string.Join("|", body.Variables.Select(v => v.VariableType.FullName)));
                foreach (var handler in body.ExceptionHandlers)
                    text.Append(" eh ").Append(handler.HandlerType).Append(handler.TryStart.Offset).Append('-').Append(handler.HandlerEnd?.Offset).Append(handler.CatchType?.FullName);
                foreach (var instruction in body.Instructions)
                {
                    instructions++;
                    text.Append(' ').Append(instruction.OpCode.Name);
                    if (fullIl) text.Append(' ').Append(Operand(instruction.Operand));
                }
                if (method.DebugInformation.HasSequencePoints)
                    foreach (var sp in method.DebugInformation.SequencePoints) text.Append(" sp").Append(sp.Offset).Append(':').Append(sp.StartLine).Append(',').Append(sp.StartColumn);
                if (text.Length > 1 << 16) Flush();
            }
        }
        Flush();
        return $"types={types} methods={methods} fields={fields} instructions={instructions} attributes={attributes} structure={Convert.ToHexString(sha.GetHashAndReset())[..16]}";
    }

    private static void Attribute(StringBuilder text, CustomAttribute attribute, ref int count)
    {
        count++;
        text.Append(" [").Append(attribute.AttributeType.FullName);
        if (attribute.HasConstructorArguments)
            foreach (var argument in attribute.ConstructorArguments) text.Append(',').Append(argument.Value is CustomAttributeArgument[] array ? array.Length : argument.Value);
        foreach (var named in attribute.Properties.Concat(attribute.Fields)) text.Append(',').Append(named.Name).Append('=').Append(named.Argument.Value);
        text.Append(']');
    }

    private static string? Operand(object? operand) => operand switch
    {
        null => "",
        Instruction target => "IL_" + target.Offset.ToString("x4"),
        Instruction[] targets => string.Join(",", targets.Select(t => t.Offset)),
        VariableDefinition v => "V" + v.Index,
        ParameterDefinition p => "A" + p.Index,
        MemberReference member => member.FullName,
        CallSite site => site.FullName,
        _ => operand.ToString(),
    };

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];

    /// <summary>
    /// Weaves <paramref name="image"/> with HotIL's weaver running on this side's Cecil (load HotIL.Weaver
    /// privately for that) and returns the woven image, so weaving with woven Cecil can be compared with the real thing.
    /// </summary>
    public static byte[] WeaveWithThisCecil(byte[] image)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        HotIL.Weaver.AssemblyWeaver.Weave(module, manifestPath: null);
        var output = new MemoryStream();
        module.Write(output, new WriterParameters { DeterministicMvid = true });
        return output.ToArray();
    }
}
