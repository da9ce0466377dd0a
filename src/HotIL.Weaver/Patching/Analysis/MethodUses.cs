using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HotIL.Weaver.Patching;

/// <summary>Which methods of its own module a method calls, from inside a loop or not, and which it makes delegates of.</summary>
internal static class MethodUses
{
    public static IReadOnlyList<MethodUse> Of(MethodDefinition method)
    {
        if (!method.HasBody) return [];
        var code = method.Body.Instructions;
        List<MethodUse>? uses = null;
        List<(int Start, int End)>? loops = null;
        for (var i = 0; i < code.Count; i++)
        {
            var kind = code[i].OpCode.Code switch
            {
                Code.Call or Code.Callvirt or Code.Newobj => MethodUseKind.Call,
                Code.Ldftn or Code.Ldvirtftn => MethodUseKind.Address,
                _ => (MethodUseKind?)null,
            };
            if (kind == null || code[i].Operand is not MethodReference reference || OwnDefinition(reference, method.Module) is not { } callee) continue;
            loops ??= Loops(code);
            if (kind == MethodUseKind.Call && loops.Any(l => l.Start <= i && i < l.End)) kind = MethodUseKind.CallInLoop;
            (uses ??= []).Add(new MethodUse(MethodKey.For(callee), kind.Value));
        }
        return uses ?? [];
    }

    private static MethodDefinition? OwnDefinition(MethodReference reference, ModuleDefinition module)
    {
        var element = reference is GenericInstanceMethod gim ? gim.ElementMethod : reference;
        if (element.DeclaringType.GetElementType() is not TypeDefinition type || type.Module != module) return null;
        return element as MethodDefinition ?? element.Resolve();
    }

    // The instructions between a backward branch's target and the branch itself run again and again.
    private static List<(int Start, int End)> Loops(Mono.Collections.Generic.Collection<Instruction> code)
    {
        var index = new Dictionary<Instruction, int>(code.Count);
        for (var i = 0; i < code.Count; i++) index[code[i]] = i;
        var loops = new List<(int, int)>();
        for (var i = 0; i < code.Count; i++)
        {
            var targets = code[i].Operand switch
            {
                Instruction t => [t],
                Instruction[] ts => ts,
                _ => [],
            };
            foreach (var target in targets)
                if (index.TryGetValue(target, out var t) && t <= i) loops.Add((t, i + 1));
        }
        return loops;
    }
}
