package dev.baton.core.object;

/**
 * Receives the references an object holds: the cycle collector's {@code visitproc}. See {@link
 * RcObject#traverse(ReferenceVisitor)} and {@link RcObject#clearReferences(ReferenceVisitor)}.
 */
@FunctionalInterface
public interface ReferenceVisitor {
  /**
   * @param referent an object referenced by the visited object (never null)
   */
  void visit(RcObject referent);
}
