using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace HotIL.Weaver;

/// <summary>
/// Splits a method into a static implementation that holds its body (receiver as the explicit
/// first parameter, by reference for structs) and a forwarder that keeps the method's identity,
/// signature and vtable position and only calls through a slot.
/// </summary>
internal static class MethodSplitter
{
    /// <summary>
    /// Moves the body of <paramref name="method"/> into a new static method added beside it.
    /// The method is left without a body; call <see cref="EmitForwarder"/> next.
    /// </summary>
    public static MethodDefinition MoveBodyToImpl(MethodDefinition method)
    {
        var impl = CreateImplShell(method);
        method.DeclaringType.Methods.Add(impl);

        var from = method.Body;
        var to = impl.Body;
        to.InitLocals = from.InitLocals;
        to.MaxStackSize = from.MaxStackSize;
        // Sized once: the instructions of tens of thousands of bodies would otherwise grow their arrays step by step.
        to.Instructions.Capacity = from.Instructions.Count;
        foreach (var v in from.Variables) to.Variables.Add(v);
        foreach (var i in from.Instructions) to.Instructions.Add(i);
        foreach (var h in from.ExceptionHandlers) to.ExceptionHandlers.Add(h);
        RemapParameterOperands(method, impl);
        MoveDebugInformation(method, impl);

        method.Body = new MethodBody(method);
        return impl;
    }

    /// <summary>
    /// Replaces the body of <paramref name="method"/> with a guarded call: while the slot is zero (nothing
    /// replaced the body) call the implementation directly; otherwise call whatever the slot holds with <c>calli</c>.
    /// </summary>
    /// <remarks>
    /// The JIT inlines small forwarders, so until a reload repoints the slot a call costs one load, one test
    /// against zero and a direct (inlinable) call of the original body: see docs/decisions/0008 and 0012. The
    /// slot is read once, so the window between reading a pointer and calling through it stays as short as before.
    /// </remarks>
    /// <param name="method">The method to turn into a forwarder.</param>
    /// <param name="impl">Its implementation.</param>
    /// <param name="slot">The slot field; for generic code, the field of the holder instantiated over the forwarder's type parameters.</param>
    /// <param name="replacedFlag">For generic code, the registry's flag that is zero while no reload replaced the body:
    /// tested first, so that the hot path reads no static of a generic type.</param>
    public static void EmitForwarder(MethodDefinition method, MethodDefinition impl, FieldReference slot, FieldReference? replacedFlag = null)
    {
        var body = method.Body;
        var pointer = new VariableDefinition(method.Module.TypeSystem.IntPtr);
        body.Variables.Add(pointer);
        body.InitLocals = false;
        var il = body.GetILProcessor();
        var replaced = il.Create(OpCodes.Nop);
        var original = il.Create(OpCodes.Nop);

        if (replacedFlag != null)
        {
            il.Emit(OpCodes.Ldsfld, replacedFlag);
            il.Emit(OpCodes.Brfalse, original);
        }
        il.Emit(OpCodes.Ldsfld, slot);
        il.Emit(OpCodes.Stloc, pointer);
        il.Emit(OpCodes.Ldloc, pointer);
        il.Emit(OpCodes.Brtrue, replaced);
        il.Append(original);
        EmitArguments(method, il);
        il.Emit(OpCodes.Call, ImplAsSeenBy(method, impl));
        il.Emit(OpCodes.Ret);
        il.Append(replaced);
        var constructed = EmitArgumentsForReplacedBody(method, body, il);
        il.Emit(OpCodes.Ldloc, pointer);
        il.Emit(OpCodes.Calli, CallSiteOf(impl));
        if (constructed != null)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldloc, constructed);
            il.Emit(OpCodes.Stobj, constructed.VariableType);
        }
        il.Emit(OpCodes.Ret);
        RemoveLabels(body);
        body.OptimizeMacros();
        // Without the hint the JIT judges the forwarder by its IL size (twice the argument loads) and
        // keeps the call; with it, a caller pays only the guard. A method the user keeps out of line stays so.
        if (!method.NoInlining) method.AggressiveInlining = true;
    }

    // The nops that served as branch targets while emitting: branches go to the next real instruction instead
    // (Debug code would otherwise keep them).
    private static void RemoveLabels(MethodBody body)
    {
        var instructions = body.Instructions;
        foreach (var branch in instructions)
            while (branch.Operand is Instruction { OpCode.Code: Code.Nop } label) branch.Operand = label.Next;
        for (var i = instructions.Count - 1; i >= 0; i--)
            if (instructions[i].OpCode.Code == Code.Nop) instructions.RemoveAt(i);
    }

    // A replaced body is called through calli, which the JIT never inlines: passing it the address of a
    // caller's struct variable would make that variable address-exposed (kept in memory, not registers)
    // in the whole caller, even while the slot is untouched. Read-only receivers and `in` arguments go as
    // copies when no reference to them can leave the call; a struct constructor builds a copy that is stored
    // into `this` afterwards (returned here).
    // Mutable receivers and `ref`/`out` arguments keep their identity: the callee may rely on it.
    private static VariableDefinition? EmitArgumentsForReplacedBody(MethodDefinition method, MethodBody body, ILProcessor il)
    {
        VariableDefinition? constructed = null;
        var copies = ReadOnlyArgs.CopiesCannotEscape(method);
        if (method.HasThis)
        {
            var self = SelfType(method.DeclaringType);
            if (method.IsConstructor && method.DeclaringType.IsValueType)
            {
                constructed = new VariableDefinition(self);
                body.Variables.Add(constructed);
                il.Emit(OpCodes.Ldloca, constructed);
                il.Emit(OpCodes.Initobj, self);
                il.Emit(OpCodes.Ldloca, constructed);
            }
            else if (copies && ReadOnlyArgs.HasReadOnlyReceiver(method)) EmitCopy(body, il, body.ThisParameter, self);
            else il.Emit(OpCodes.Ldarg, body.ThisParameter);
        }
        foreach (var p in method.Parameters)
        {
            if (copies && ReadOnlyArgs.IsIn(p)) EmitCopy(body, il, p, ReadOnlyArgs.Referent(p));
            else il.Emit(OpCodes.Ldarg, p);
        }
        return constructed;
    }

    private static void EmitCopy(MethodBody body, ILProcessor il, ParameterDefinition byReference, TypeReference type)
    {
        var copy = new VariableDefinition(type);
        body.Variables.Add(copy);
        il.Emit(OpCodes.Ldarg, byReference);
        il.Emit(OpCodes.Ldobj, type);
        il.Emit(OpCodes.Stloc, copy);
        il.Emit(OpCodes.Ldloca, copy);
    }

    private static void EmitArguments(MethodDefinition method, ILProcessor il)
    {
        if (method.HasThis) il.Emit(OpCodes.Ldarg, method.Body.ThisParameter);
        foreach (var p in method.Parameters) il.Emit(OpCodes.Ldarg, p);
    }

    // impl as the forwarder calls it: its declaring type and its own type parameters over the forwarder's.
    private static MethodReference ImplAsSeenBy(MethodDefinition method, MethodDefinition impl)
    {
        if (!method.HasGenericParameters && !method.DeclaringType.HasGenericParameters) return impl;
        var reference = new MethodReference(impl.Name, impl.ReturnType, SelfType(impl.DeclaringType)) { HasThis = false };
        foreach (var gp in impl.GenericParameters) reference.GenericParameters.Add(new GenericParameter(gp.Name, reference));
        foreach (var p in impl.Parameters) reference.Parameters.Add(new ParameterDefinition(p.ParameterType));
        if (!impl.HasGenericParameters) return reference;
        var instance = new GenericInstanceMethod(reference);
        foreach (var gp in method.GenericParameters) instance.GenericArguments.Add(gp);
        return instance;
    }

    /// <summary>
    /// The static call-site signature of a body for <paramref name="method"/>: its own parameters, after the
    /// receiver (by reference for structs) when it is an instance method, as implementations and replaced bodies take it.
    /// </summary>
    public static CallSite CallSiteOf(MethodDefinition method)
    {
        var site = new CallSite(method.ReturnType) { HasThis = false, CallingConvention = MethodCallingConvention.Default };
        if (method.HasThis) site.Parameters.Add(new ParameterDefinition(ReceiverType(method.DeclaringType)));
        foreach (var p in method.Parameters) site.Parameters.Add(new ParameterDefinition(p.ParameterType));
        return site;
    }

    /// <summary>The type a static implementation receives as its explicit receiver.</summary>
    public static TypeReference ReceiverType(TypeDefinition declaringType)
    {
        var self = SelfType(declaringType);
        return declaringType.IsValueType ? new ByReferenceType(self) : self;
    }

    /// <summary>The type itself, instantiated over its own type parameters when it is generic.</summary>
    public static TypeReference SelfType(TypeDefinition type)
    {
        if (!type.HasGenericParameters) return type;
        var self = new GenericInstanceType(type);
        foreach (var p in type.GenericParameters) self.GenericArguments.Add(p);
        return self;
    }

    private static MethodDefinition CreateImplShell(MethodDefinition method)
    {
        var impl = new MethodDefinition(ImplNaming.ImplNameFor(method.Name),
            MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, method.ReturnType)
        {
            ImplAttributes = method.ImplAttributes,
        };
        foreach (var gp in method.GenericParameters)
        {
            var copy = new GenericParameter(gp.Name, impl) { Attributes = gp.Attributes };
            foreach (var c in gp.Constraints) copy.Constraints.Add(new GenericParameterConstraint(c.ConstraintType));
            impl.GenericParameters.Add(copy);
        }
        if (method.HasThis)
            impl.Parameters.Add(new ParameterDefinition("this", ParameterAttributes.None, ReceiverType(method.DeclaringType)));
        foreach (var p in method.Parameters)
        {
            var copy = new ParameterDefinition(p.Name, p.Attributes, p.ParameterType);
            if (p.HasCustomAttributes)
                foreach (var a in p.CustomAttributes) copy.CustomAttributes.Add(a);
            impl.Parameters.Add(copy);
        }
        // State-machine attributes let stack traces name the kick-off method; they stay on the forwarder too.
        if (method.HasCustomAttributes)
            foreach (var a in method.CustomAttributes.Where(IsStateMachineAttribute)) impl.CustomAttributes.Add(a);
        return impl;
    }

    /// <summary>Whether <paramref name="a"/> names the state machine of an async method or iterator.</summary>
    internal static bool IsStateMachineAttribute(CustomAttribute a) =>
        a.AttributeType.Namespace == "System.Runtime.CompilerServices" && a.AttributeType.Name.EndsWith("StateMachineAttribute", StringComparison.Ordinal);

    // Macro forms (ldarg.0..3) keep their meaning because the receiver becomes parameter 0;
    // operand forms name ParameterDefinitions, which must now be the impl's.
    private static void RemapParameterOperands(MethodDefinition method, MethodDefinition impl)
    {
        var shift = method.HasThis ? 1 : 0;
        foreach (var instruction in impl.Body.Instructions)
        {
            if (instruction.Operand is not ParameterDefinition p) continue;
            instruction.Operand = p == method.Body.ThisParameter ? impl.Parameters[0] : impl.Parameters[p.Index + shift];
        }
    }

    private static void MoveDebugInformation(MethodDefinition method, MethodDefinition impl)
    {
        if (!method.DebugInformation.HasSequencePoints && method.DebugInformation.Scope == null) return;
        var from = method.DebugInformation;
        var to = impl.DebugInformation;
        foreach (var sp in from.SequencePoints) to.SequencePoints.Add(sp);
        to.Scope = from.Scope;
        to.StateMachineKickOffMethod = from.StateMachineKickOffMethod;
        foreach (var c in from.CustomDebugInformations) to.CustomDebugInformations.Add(c);
        from.SequencePoints.Clear();
        from.Scope = null;
        from.CustomDebugInformations.Clear();
    }
}
