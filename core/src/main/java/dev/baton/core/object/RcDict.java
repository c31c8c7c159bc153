package dev.baton.core.object;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A dict from plain Java keys to references, the analogue of CPython's {@code dict} (keys are Java
 * values with {@code equals}/{@code hashCode}, such as strings; insertion order is kept). The dict
 * owns one reference to each value, of its own space or immortal; {@link #get(Object)} returns a
 * borrowed one.
 *
 * <p>Threading: every operation checks the space's guard. Under a free-threaded space the contents
 * are not thread-safe (only the reference counts are): synchronize concurrent changes yourself.
 *
 * @param <K> the key type
 */
public final class RcDict<K> extends RcObject {

  /** Each value holds one reference owned by this dict. Guarded. */
  private final LinkedHashMap<K, RcObject> entries = new LinkedHashMap<>();

  RcDict(ObjectSpace space) {
    super(space, true);
  }

  /**
   * Maps {@code key} to {@code value}, taking a new reference to it and giving back the one to the
   * value it replaces, if any.
   *
   * @param key the key
   * @param value the value
   * @throws NullPointerException if an argument is null
   * @throws UseAfterFreeException if this dict or {@code value} was deallocated
   * @throws dev.baton.core.BatonMisuseException if {@code value} belongs to another space
   */
  public void put(K key, RcObject value) {
    checkAccess("put");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    checkReferent(value, "put");
    value.incref();
    RcObject old = entries.put(key, value);
    if (old != null) {
      old.decref();
    }
  }

  /**
   * @param key the key
   * @return the value, borrowed, or null when absent
   * @throws UseAfterFreeException if this dict was deallocated
   */
  public RcObject get(K key) {
    checkAccess("get");
    return entries.get(key);
  }

  /**
   * Removes {@code key}'s entry and gives back the dict's reference to its value.
   *
   * @param key the key
   * @return whether there was an entry
   * @throws UseAfterFreeException if this dict was deallocated
   */
  public boolean remove(K key) {
    checkAccess("remove");
    RcObject old = entries.remove(key);
    if (old == null) {
      return false;
    }
    old.decref();
    return true;
  }

  /**
   * @return the number of entries
   * @throws UseAfterFreeException if this dict was deallocated
   */
  public int size() {
    checkAccess("size");
    return entries.size();
  }

  /**
   * @return a snapshot of the keys, in insertion order
   * @throws UseAfterFreeException if this dict was deallocated
   */
  public List<K> keys() {
    checkAccess("keys");
    return List.copyOf(entries.keySet());
  }

  @Override
  protected void traverse(ReferenceVisitor visitor) {
    for (RcObject value : entries.values()) {
      visitor.visit(value);
    }
  }

  @Override
  protected void clearReferences(ReferenceVisitor release) {
    releaseAll(entries.values(), release);
  }

  @Override
  protected String typeName() {
    return "dict";
  }
}
