package dev.baton.core.object;

import java.util.ArrayList;
import java.util.Objects;

/**
 * A list of references, the analogue of CPython's {@code list}. The list owns one reference to each
 * element: {@link #append(RcObject)} and {@link #set(int, RcObject)} add one, removing an element
 * gives it back. It holds only objects of its own space, and immortals. {@link #get(int)} returns a
 * borrowed reference, valid while the element stays in the list; {@link RcObject#incref()} it to
 * keep it longer.
 *
 * <p>Threading: every operation checks the space's guard. Under a free-threaded space the contents
 * are not thread-safe (only the reference counts are): synchronize concurrent changes yourself.
 */
public final class RcList extends RcObject {

  /** The elements; each holds one reference owned by this list. Guarded. */
  private final ArrayList<RcObject> items = new ArrayList<>();

  RcList(ObjectSpace space) {
    super(space, true);
  }

  /**
   * Appends {@code item}, taking a new reference to it.
   *
   * @param item the element
   * @throws NullPointerException if {@code item} is null
   * @throws UseAfterFreeException if this list or {@code item} was deallocated
   * @throws dev.baton.core.BatonMisuseException if {@code item} belongs to another space
   */
  public void append(RcObject item) {
    checkAccess("append");
    Objects.requireNonNull(item, "item");
    checkReferent(item, "append");
    item.incref();
    items.add(item);
  }

  /**
   * @param index the position
   * @return the element, borrowed
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   * @throws UseAfterFreeException if this list was deallocated
   */
  public RcObject get(int index) {
    checkAccess("get");
    return items.get(Objects.checkIndex(index, items.size()));
  }

  /**
   * Replaces the element at {@code index}, taking a reference to {@code item} and giving back the
   * one to the old element.
   *
   * @param index the position
   * @param item the new element
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   * @throws NullPointerException if {@code item} is null
   * @throws UseAfterFreeException if this list or {@code item} was deallocated
   * @throws dev.baton.core.BatonMisuseException if {@code item} belongs to another space
   */
  public void set(int index, RcObject item) {
    checkAccess("set");
    Objects.checkIndex(index, items.size());
    Objects.requireNonNull(item, "item");
    checkReferent(item, "set");
    item.incref();
    items.set(index, item).decref();
  }

  /**
   * Removes the element at {@code index} and gives back the list's reference to it.
   *
   * @param index the position
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   * @throws UseAfterFreeException if this list was deallocated
   */
  public void remove(int index) {
    checkAccess("remove");
    items.remove(Objects.checkIndex(index, items.size())).decref();
  }

  /**
   * @return the number of elements
   * @throws UseAfterFreeException if this list was deallocated
   */
  public int size() {
    checkAccess("size");
    return items.size();
  }

  /**
   * Removes every element, giving back the list's references.
   *
   * @throws UseAfterFreeException if this list was deallocated
   */
  public void clear() {
    checkAccess("clear");
    clearReferences(RcObject::decref);
  }

  @Override
  protected void traverse(ReferenceVisitor visitor) {
    for (RcObject item : items) {
      visitor.visit(item);
    }
  }

  @Override
  protected void clearReferences(ReferenceVisitor release) {
    releaseAll(items, release);
  }

  @Override
  protected String typeName() {
    return "list";
  }
}
