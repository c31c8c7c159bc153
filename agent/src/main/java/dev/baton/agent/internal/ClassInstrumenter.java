package dev.baton.agent.internal;

import java.lang.classfile.AccessFlags;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * What the instrumenter writes into each method of an included class (f is a new int local holding
 * what Hooks.enter() returned to the frame, s a new local holding the thread's ThreadState, only in
 * methods with monitors or blocking calls, lock a new local holding a synchronized method's
 * monitor; the hooks' fast and slow paths are described in Hooks):
 *
 *   entry         f = Hooks.enter()            (attach at the outermost frame, else a checkpoint)
 *                 outside the switch points: f = Hooks.attach() (attach at the outermost frame)
 *                 constructors: Hooks.poll()   (a checkpoint; they never attach: an object built
 *                 by code that is not included is not a reason to take the GIL)
 *                 <clinit>: Hooks.clinitEnter() (no checkpoint until it ends; see Hooks)
 *                 then, when the method needs it, s = Hooks.state()
 *   synchronized  the flag is dropped and the method locks explicitly, as javac does for a
 *                 synchronized block, so that the enter goes through the monitor hooks:
 *                 Hooks.monitorEnter(lock, s); monitorenter lock; Hooks.monitorEntered(s)
 *   monitorenter  dup; Hooks.monitorEnter(obj, s); monitorenter; Hooks.monitorEntered(s)
 *   monitorexit   monitorexit; Hooks.monitorExit(s)
 *   back branch   Hooks.poll() before every branch or switch to a label already seen (loops),
 *                 except in <clinit> and outside the switch points (SwitchPoints), and except when the basic block that ends with the branch
 *                 calls a method of this class whose entry is certainly a checkpoint (static,
 *                 private, final or a constructor, or any method of a final class): every path
 *                 to the branch passes that entry, so the loop polls once per iteration, not twice
 *   blocking call arguments into new locals; t = Hooks.beginBlocking([receiver,] s); arguments
 *                 back; the call; Hooks.endBlocking(t, s) on the normal and the exceptional path
 *   return        [monitorexit lock; Hooks.monitorExit(s);] Hooks.exit(f) (or clinitExit)
 *   whole body    a catch-all handler that does the return's work and rethrows
 *
 * Every loop is polled at every iteration, at its back branch or at the entry of a call the back
 * branch's block makes, those without calls too: the back branch's poll is two loads and a branch
 * (see Hooks), and a countdown that polled every N iterations instead measured slower in such
 * loops (it adds a loop-carried counter and a conditional call, which block the same JIT
 * optimisations as the poll does). Leaving them unpolled would let one loop hold the GIL for as
 * long as it runs, where CPython's JUMP_BACKWARD polls. Moving a loop's poll to the entry of a call
 * in its last block only moves where in the iteration the GIL may pass.
 *
 * Exception-table order matters, since the JVM takes the first entry that covers the pc: the
 * handlers around blocking calls are registered first (at the start of the transform, for calls
 * found by a scan of the method beforehand), so that an enclosing try of the program cannot catch
 * an exception before the section is closed; the whole-body handler is registered last, so that
 * it only catches what the program's own handlers do not.
 *
 * The class-file version is kept; stack maps are regenerated, with class hierarchies read as
 * resources from the class's own loader, never by loading a class (see hierarchy()). Class files
 * older than version 50 get no stack maps (the JVM verifies them by type inference), so their
 * jsr/ret subroutines are rewritten as they are, without inlining; a version-50 class with them
 * gets stack maps where they can be computed and the JVM falls back to type inference where they
 * cannot. Before version 49 there is no class constant: a static synchronized method finds its
 * class with Class.forName. Bridge methods are left alone.
 *
 * A method whose rewrite does not fit the JVM's 64 KB limit (tried first) loses its back-branch
 * checkpoints only, or, if that is not enough, is left as it is; each method of LARGE bytes or more
 * in such a class is then named in one WARN, and the class's other methods are rewritten in full.
 */

/**
 * Rewrites the bytecode of one included class; see the design note in the source.
 *
 * <p>Thread-safe: it keeps no state between calls.
 */
public final class ClassInstrumenter {
  private static final Logger LOG = LoggerFactory.getLogger(ClassInstrumenter.class);

  private static final ClassDesc HOOKS = ClassDesc.of("dev.baton.agent.runtime.Hooks");
  private static final ClassDesc STATE = ClassDesc.of("dev.baton.agent.runtime.ThreadState");
  private static final MethodTypeDesc TO_STATE = MethodTypeDesc.of(STATE);
  private static final MethodTypeDesc TO_INT = MethodTypeDesc.of(ConstantDescs.CD_int);
  private static final MethodTypeDesc OF_INT =
      MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
  private static final MethodTypeDesc NO_ARGS = MethodTypeDesc.of(ConstantDescs.CD_void);
  private static final MethodTypeDesc OF_STATE = MethodTypeDesc.of(ConstantDescs.CD_void, STATE);
  private static final MethodTypeDesc LOCK_STATE =
      MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object, STATE);
  private static final MethodTypeDesc BEGIN_RECEIVER =
      MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_Object, STATE);
  private static final MethodTypeDesc BEGIN_STATIC = MethodTypeDesc.of(ConstantDescs.CD_int, STATE);
  private static final MethodTypeDesc END =
      MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int, STATE);

  private ClassInstrumenter() {}

  /**
   * @param bytes a class file
   * @param loader the loader defining it (for class hierarchies), or null for the system loader
   * @return the instrumented class file, or null when nothing was changed
   */
  public static byte[] instrument(byte[] bytes, ClassLoader loader) {
    return instrument(bytes, loader, SwitchPoints.EVERYWHERE);
  }

  /**
   * @param bytes a class file
   * @param loader the loader defining it (for class hierarchies), or null for the system loader
   * @param switchPoints the methods whose entries and backward branches are checkpoints
   * @return the instrumented class file, or null when nothing was changed
   */
  public static byte[] instrument(byte[] bytes, ClassLoader loader, SwitchPoints switchPoints) {
    ClassModel model = ClassFile.of().parse(bytes);
    ClassFile classFile =
        ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy(model, loader)));
    if (model.flags().has(AccessFlag.MODULE)) {
      return null;
    }
    try {
      return transform(classFile, model, Mode.FULL, switchPoints);
    } catch (IllegalArgumentException tooLarge) {
      // a method grew past 64 KB (or its branches past their offsets): its loops go unpolled
      byte[] rewritten;
      Mode mode = Mode.NO_POLLS;
      try {
        rewritten = transform(classFile, model, mode, switchPoints);
      } catch (IllegalArgumentException stillTooLarge) {
        mode = Mode.UNTOUCHED;
        rewritten = transform(classFile, model, mode, switchPoints);
      }
      for (MethodModel method : model.methods()) {
        if (instrumentable(method) && codeLength(method) >= LARGE) {
          warnLarge(model, method, mode);
        }
      }
      return rewritten;
    }
  }

  /** How much of a large method is rewritten; small methods are always rewritten in full. */
  private enum Mode {
    FULL,
    /** Large methods keep every hook except their back branches' checkpoints. */
    NO_POLLS,
    /** Large methods are left as they are. */
    UNTOUCHED
  }

  /** A method's code length from which {@link Mode} applies to it: half the JVM's limit. */
  private static final int LARGE = 32_768;

  private static byte[] transform(
      ClassFile classFile, ClassModel model, Mode mode, SwitchPoints switchPoints) {
    ClassDesc self = model.thisClass().asSymbol();
    String dotted = model.thisClass().asInternalName().replace('/', '.');
    Set<String> polling = pollingCallees(model, dotted, switchPoints);
    ClassTransform transform =
        (classBuilder, element) -> {
          if (element instanceof MethodModel method && instrumentable(method)) {
            boolean large = mode != Mode.FULL && codeLength(method) >= LARGE;
            if (large && mode == Mode.UNTOUCHED) {
              classBuilder.with(element);
              return;
            }
            boolean checkpoints = switchPoints.at(dotted, method.methodName().stringValue());
            boolean polls = !large && checkpoints;
            boolean sync = method.flags().has(AccessFlag.SYNCHRONIZED);
            classBuilder.transformMethod(
                method,
                (methodBuilder, methodElement) -> {
                  if (methodElement instanceof CodeModel code) {
                    methodBuilder.transformCode(
                        code,
                        new MethodRewrite(
                            self,
                            model.majorVersion(),
                            polling,
                            method,
                            code,
                            sync,
                            polls,
                            checkpoints));
                  } else if (sync && methodElement instanceof AccessFlags flags) {
                    methodBuilder.withFlags(flags.flagsMask() & ~ClassFile.ACC_SYNCHRONIZED);
                  } else {
                    methodBuilder.with(methodElement);
                  }
                });
          } else {
            classBuilder.with(element);
          }
        };
    return classFile.transformClass(model, transform);
  }

  private static int codeLength(MethodModel method) {
    return method.code().orElseThrow() instanceof CodeAttribute attribute
        ? attribute.codeLength()
        : 0;
  }

  private static void warnLarge(ClassModel model, MethodModel method, Mode mode) {
    String name = model.thisClass().asInternalName().replace('/', '.');
    if (mode == Mode.NO_POLLS) {
      LOG.warn(
          "baton-agent: {}.{}{} is too large to add checkpoints to its loops ({} bytes of code):"
              + " it runs under the GIL, which passes at its entry and in what it calls only",
          name,
          method.methodName().stringValue(),
          method.methodType().stringValue(),
          codeLength(method));
    } else {
      LOG.warn(
          "baton-agent: {}.{}{} is too large to instrument ({} bytes of code): it runs under the"
              + " GIL of its caller when one has it, without checkpoints of its own",
          name,
          method.methodName().stringValue(),
          method.methodType().stringValue(),
          codeLength(method));
    }
  }

  /**
   * Class hierarchies from class files only: the class being rewritten from its own model, every
   * other class from the bytes its loader (or the system loader) serves as a resource. Never from
   * loading a class: the JDK's default resolver calls Class.forName, which loads the class being
   * rewritten a second time when a stack map names it (a LinkageError for a duplicate definition).
   */
  private static ClassHierarchyResolver hierarchy(ClassModel model, ClassLoader loader) {
    ClassDesc self = model.thisClass().asSymbol();
    ClassHierarchyResolver.ClassHierarchyInfo selfInfo =
        model.flags().has(AccessFlag.INTERFACE)
            ? ClassHierarchyResolver.ClassHierarchyInfo.ofInterface()
            : ClassHierarchyResolver.ClassHierarchyInfo.ofClass(
                model.superclass().map(c -> c.asSymbol()).orElse(null));
    ClassHierarchyResolver own = desc -> desc.equals(self) ? selfInfo : null;
    ClassLoader resources = loader != null ? loader : ClassLoader.getSystemClassLoader();
    return own.orElse(ClassHierarchyResolver.ofResourceParsing(resources));
  }

  private static String binaryName(ClassDesc desc) {
    String descriptor = desc.descriptorString(); // Lcom/example/Main;
    return descriptor.substring(1, descriptor.length() - 1).replace('/', '.');
  }

  private static boolean instrumentable(MethodModel method) {
    return method.code().isPresent() && !method.flags().has(AccessFlag.BRIDGE);
  }

  /**
   * The methods of this class whose entry is certainly a checkpoint when this class calls them:
   * instrumented here, and not overridable by a class that may not be (static, private, final, a
   * constructor, or any method of a final class). Keyed by name and descriptor.
   */
  private static Set<String> pollingCallees(
      ClassModel model, String dotted, SwitchPoints switchPoints) {
    boolean finalClass = model.flags().has(AccessFlag.FINAL);
    Set<String> polling = new HashSet<>();
    for (MethodModel method : model.methods()) {
      String name = method.methodName().stringValue();
      if (!instrumentable(method) || name.equals("<clinit>") || !switchPoints.at(dotted, name)) {
        continue;
      }
      if (finalClass
          || name.equals("<init>")
          || method.flags().has(AccessFlag.STATIC)
          || method.flags().has(AccessFlag.PRIVATE)
          || method.flags().has(AccessFlag.FINAL)) {
        polling.add(name + method.methodType().stringValue());
      }
    }
    return polling;
  }

  /** The rewrite of one method body; one instance per method, used once. */
  private static final class MethodRewrite implements CodeTransform {
    private enum Kind {
      METHOD,
      CONSTRUCTOR,
      CLASS_INIT
    }

    private final ClassDesc self;
    private final int version;
    private final boolean polls;
    private final boolean checkpoints;
    private final Set<String> polling;
    private final Kind kind;
    private final boolean sync;
    private final boolean isStatic;

    /** The blocking calls of the method, in order, and how to treat their receivers. */
    private final List<BlockingCalls.Receiver> calls = new ArrayList<>();

    /** Whether the method has monitors or blocking calls, whose hooks take the thread's state. */
    private final boolean needsState;

    /** Labels bound so far: a branch to one of them is a loop's back branch. */
    private final Set<Label> seen = new HashSet<>();

    /** Calls of {@link #polling} methods since the current basic block began. */
    private int pollingCallsInBlock;

    private Label[] callStart;
    private Label[] callEnd;
    private Label[] callHandler;
    private int nextCall;
    private int frame;
    private int state;
    private int lock;
    private Label bodyStart;

    MethodRewrite(
        ClassDesc self,
        int version,
        Set<String> polling,
        MethodModel method,
        CodeModel code,
        boolean sync,
        boolean polls,
        boolean checkpoints) {
      this.self = self;
      this.checkpoints = checkpoints;
      this.version = version;
      this.polls = polls;
      this.polling = polling;
      String name = method.methodName().stringValue();
      this.kind =
          name.equals("<init>")
              ? Kind.CONSTRUCTOR
              : name.equals("<clinit>") ? Kind.CLASS_INIT : Kind.METHOD;
      this.sync = sync;
      this.isStatic = method.flags().has(AccessFlag.STATIC);
      boolean monitors = false;
      for (CodeElement element : code) {
        if (element instanceof InvokeInstruction call) {
          BlockingCalls.Receiver receiver = BlockingCalls.match(call);
          if (receiver != null) {
            calls.add(receiver);
          }
        }
        if (element instanceof MonitorInstruction) {
          monitors = true;
        }
      }
      this.needsState = sync || monitors || !calls.isEmpty();
    }

    @Override
    public void atStart(CodeBuilder b) {
      int n = calls.size();
      callStart = new Label[n];
      callEnd = new Label[n];
      callHandler = new Label[n];
      for (int i = 0; i < n; i++) {
        callStart[i] = b.newLabel();
        callEnd[i] = b.newLabel();
        callHandler[i] = b.newLabel();
        b.exceptionCatchAll(callStart[i], callEnd[i], callHandler[i]);
      }
      switch (kind) {
        case METHOD -> {
          frame = b.allocateLocal(TypeKind.INT);
          b.invokestatic(HOOKS, checkpoints ? "enter" : "attach", TO_INT);
          b.istore(frame);
        }
        case CONSTRUCTOR -> {
          if (checkpoints) {
            b.invokestatic(HOOKS, "poll", NO_ARGS);
          }
        }
        case CLASS_INIT -> b.invokestatic(HOOKS, "clinitEnter", NO_ARGS);
      }
      if (needsState) {
        state = b.allocateLocal(TypeKind.REFERENCE);
        b.invokestatic(HOOKS, "state", TO_STATE);
        b.astore(state);
      }
      if (sync) {
        lock = b.allocateLocal(TypeKind.REFERENCE);
        if (isStatic && version >= ClassFile.JAVA_5_VERSION) {
          b.ldc(self);
        } else if (isStatic) {
          // no class constants before version 49: the class is loaded, forName finds it
          b.ldc(binaryName(self));
          b.invokestatic(
              ConstantDescs.CD_Class,
              "forName",
              MethodTypeDesc.of(ConstantDescs.CD_Class, ConstantDescs.CD_String));
        } else {
          b.aload(0);
        }
        b.astore(lock);
        b.aload(lock);
        b.aload(state);
        b.invokestatic(HOOKS, "monitorEnter", LOCK_STATE);
        b.aload(lock);
        b.monitorenter();
        b.aload(state);
        b.invokestatic(HOOKS, "monitorEntered", OF_STATE);
      }
      bodyStart = b.newBoundLabel();
    }

    @Override
    public void accept(CodeBuilder b, CodeElement element) {
      switch (element) {
        case LabelTarget target -> {
          seen.add(target.label());
          pollingCallsInBlock = 0;
          b.with(element);
        }
        case BranchInstruction branch -> {
          backBranch(b, seen.contains(branch.target()));
          b.with(element);
        }
        case TableSwitchInstruction table -> {
          backBranch(b, seen.contains(table.defaultTarget()) || anySeen(table.cases()));
          b.with(element);
        }
        case LookupSwitchInstruction lookup -> {
          backBranch(b, seen.contains(lookup.defaultTarget()) || anySeen(lookup.cases()));
          b.with(element);
        }
        case ReturnInstruction ret -> {
          exitWork(b);
          b.with(ret);
        }
        case MonitorInstruction monitor -> {
          if (monitor.opcode() == Opcode.MONITORENTER) {
            b.dup();
            b.aload(state);
            b.invokestatic(HOOKS, "monitorEnter", LOCK_STATE);
            b.monitorenter();
            b.aload(state);
            b.invokestatic(HOOKS, "monitorEntered", OF_STATE);
          } else {
            b.monitorexit();
            b.aload(state);
            b.invokestatic(HOOKS, "monitorExit", OF_STATE);
          }
        }
        case InvokeInstruction call when BlockingCalls.match(call) != null ->
            blockingCall(b, call, calls.get(nextCall), nextCall++);
        case InvokeInstruction call -> {
          if (polls(call)) {
            pollingCallsInBlock++;
          }
          b.with(element);
        }
        default -> b.with(element);
      }
    }

    @Override
    public void atEnd(CodeBuilder b) {
      if (kind == Kind.CONSTRUCTOR) {
        return; // nothing to undo on an exceptional exit
      }
      Label bodyEnd = b.newBoundLabel();
      Label handler = b.newBoundLabel();
      exitWork(b);
      b.athrow();
      b.exceptionCatchAll(bodyStart, bodyEnd, handler);
    }

    private boolean anySeen(List<SwitchCase> cases) {
      for (SwitchCase c : cases) {
        if (seen.contains(c.target())) {
          return true;
        }
      }
      return false;
    }

    /**
     * Before a branch, which ends a basic block: the checkpoint of a backward branch, unless in a
     * class initialiser or the block calls a method whose entry is a checkpoint.
     */
    private void backBranch(CodeBuilder b, boolean backward) {
      if (backward && polls && kind != Kind.CLASS_INIT && pollingCallsInBlock == 0) {
        b.invokestatic(HOOKS, "poll", NO_ARGS);
      }
      pollingCallsInBlock = 0;
    }

    /** Whether the call certainly reaches an entry checkpoint of this class. */
    private boolean polls(InvokeInstruction call) {
      if (!call.owner().asSymbol().equals(self)) {
        return false;
      }
      return switch (call.opcode()) {
        case INVOKESTATIC, INVOKESPECIAL, INVOKEVIRTUAL ->
            polling.contains(call.name().stringValue() + call.type().stringValue());
        default -> false;
      };
    }

    private void exitWork(CodeBuilder b) {
      if (sync) {
        b.aload(lock);
        b.monitorexit();
        b.aload(state);
        b.invokestatic(HOOKS, "monitorExit", OF_STATE);
      }
      switch (kind) {
        case METHOD -> {
          b.iload(frame);
          b.invokestatic(HOOKS, "exit", OF_INT);
        }
        case CLASS_INIT -> b.invokestatic(HOOKS, "clinitExit", NO_ARGS);
        case CONSTRUCTOR -> {}
      }
    }

    private void blockingCall(
        CodeBuilder b, InvokeInstruction call, BlockingCalls.Receiver receiver, int index) {
      List<ClassDesc> params = call.typeSymbol().parameterList();
      int[] slots = new int[params.size()];
      for (int i = params.size() - 1; i >= 0; i--) {
        TypeKind type = TypeKind.from(params.get(i));
        slots[i] = b.allocateLocal(type);
        b.storeLocal(type, slots[i]);
      }
      int token = b.allocateLocal(TypeKind.INT);
      if (receiver == BlockingCalls.Receiver.CHECKED) {
        b.dup();
        b.aload(state);
        b.invokestatic(HOOKS, "beginBlocking", BEGIN_RECEIVER);
      } else {
        b.aload(state);
        b.invokestatic(HOOKS, "beginBlocking", BEGIN_STATIC);
      }
      b.istore(token);
      for (int i = 0; i < params.size(); i++) {
        b.loadLocal(TypeKind.from(params.get(i)), slots[i]);
      }
      b.labelBinding(callStart[index]);
      b.with(call);
      b.labelBinding(callEnd[index]);
      b.iload(token);
      b.aload(state);
      b.invokestatic(HOOKS, "endBlocking", END);
      Label after = b.newLabel();
      b.goto_(after);
      b.labelBinding(callHandler[index]);
      b.iload(token);
      b.aload(state);
      b.invokestatic(HOOKS, "endBlocking", END);
      b.athrow();
      b.labelBinding(after);
    }
  }
}
