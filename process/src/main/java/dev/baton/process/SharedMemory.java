package dev.baton.process;

import dev.baton.process.internal.SharedBlocks;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * A block of memory shared between this JVM and its workers, CPython's {@code
 * multiprocessing.shared_memory.SharedMemory} (and, through the typed views, {@code
 * multiprocessing.Array}): the parent {@linkplain #create creates} it, a task that captures it (or
 * {@linkplain #attach attaches} by {@link #name()}) reads and writes the same memory in its worker,
 * with nothing copied.
 *
 * <pre>{@code
 * try (SharedMemory block = SharedMemory.create(8L * n);
 *     ProcessPool pool = ProcessPool.builder().workers(2).build()) {
 *   DoubleBuffer xs = block.doubles();          // fill it here
 *   double firstHalf = pool.apply(() -> sum(block.doubles(), 0, n / 2));   // read there
 * }
 * }</pre>
 *
 * <p>It is a memory-mapped file whose name is never reused: once a block is closed, its name refers
 * to nothing, and attaching by it fails, in this JVM and in every worker. See {@code
 * dev.baton.process.internal.SharedBlocks} for how the name is made and why nothing is left on disk
 * after its creator closes it, exits or is killed (the next pool or block created on the machine
 * deletes the files of creators that are gone). Blocks hold up to {@link Integer#MAX_VALUE} bytes;
 * values are in the platform's byte order.
 *
 * <p>Threading: plain memory, like an array. Accesses are not atomic or ordered across threads or
 * processes; give each task its own range. What a task wrote is visible to the parent once the
 * task's result is back (the pipe round trip orders it). Offsets are checked: an access outside the
 * block throws {@link IndexOutOfBoundsException}; the checked accessors and the views are for
 * different loops (a hot loop uses a view, whose own bounds checks the JIT removes).
 *
 * <p>Closing: a block from {@link ProcessPool#sharedMemory} is closed when its pool terminates, if
 * not before. {@link #close()} on the creator frees the block (attached copies in workers keep
 * their mapping until they are collected or the worker exits, but nothing can attach to it any
 * more); closing an attached copy only stops its use. Using a closed block throws {@link
 * IllegalStateException}, and so does sending it to a worker. A block serializes as its name: a
 * task that captures it attaches to it in the worker; if the block was closed meanwhile, the worker
 * refuses the task ({@link TaskSerializationException} naming the {@link IllegalStateException})
 * and writes nothing anywhere.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final String name;
  private final long size;
  private final transient ByteBuffer buffer;
  private final transient SharedBlocks.Created created;

  /** Racy read, benign: it only turns a use after close into an exception sooner or later. */
  private transient boolean closed;

  private SharedMemory(String name, long size, ByteBuffer buffer, SharedBlocks.Created created) {
    this.name = name;
    this.size = size;
    this.buffer = buffer.order(ByteOrder.nativeOrder());
    this.created = created;
  }

  /**
   * Creates a zero-filled block, owned by this JVM.
   *
   * @param bytes its size, 1 to {@link Integer#MAX_VALUE}
   * @return the block; close it to free it
   * @throws IllegalArgumentException when {@code bytes} is out of range
   * @throws java.io.UncheckedIOException when the platform refuses the memory
   */
  public static SharedMemory create(long bytes) {
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a shared memory block holds 1 to " + Integer.MAX_VALUE + " bytes, not " + bytes);
    }
    SharedBlocks.Created c = SharedBlocks.create(bytes);
    return new SharedMemory(c.location(), bytes, c.buffer(), c);
  }

  /**
   * Attaches to a block another process of this pool's family created.
   *
   * @param name its {@link #name()}
   * @param bytes its size
   * @return this process's view of it
   * @throws IllegalArgumentException when {@code name} is not a block's name
   * @throws IllegalStateException when there is no such block: its creator closed it or exited
   * @throws java.io.UncheckedIOException when it exists but cannot be mapped, or is smaller
   */
  public static SharedMemory attach(String name, long bytes) {
    Objects.requireNonNull(name, "name");
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "bytes must be 1 to " + Integer.MAX_VALUE + ", not " + bytes);
    }
    return new SharedMemory(name, bytes, SharedBlocks.attach(name, bytes).duplicate(), null);
  }

  /**
   * @return its name, which {@link #attach} takes: the absolute path of a file {@code
   *     baton-shm-<pid>-<start>-<random>} in {@code /dev/shm} or the temporary directory, unique to
   *     this block
   */
  public String name() {
    return name;
  }

  /**
   * @return its size in bytes
   */
  public long size() {
    return size;
  }

  /**
   * @return whether this JVM created it (and its {@link #close()} frees it)
   */
  public boolean isOwner() {
    return created != null;
  }

  private int at(long offset, int width) {
    if (closed) {
      throw new IllegalStateException(
          "shared memory block "
              + name
              + " was closed; thread \""
              + Thread.currentThread().getName()
              + "\" used it afterwards: use a block only before its close()");
    }
    if (offset < 0 || offset > size - width) {
      throw new IndexOutOfBoundsException(
          "offset "
              + offset
              + " with "
              + width
              + " bytes is outside shared memory block "
              + name
              + " of "
              + size
              + " bytes");
    }
    return (int) offset;
  }

  /**
   * @param offset a byte offset
   * @return the byte there
   */
  public byte getByte(long offset) {
    return buffer.get(at(offset, 1));
  }

  /**
   * @param offset a byte offset
   * @param value the byte to write there
   */
  public void putByte(long offset, byte value) {
    buffer.put(at(offset, 1), value);
  }

  /**
   * @param offset a byte offset
   * @return the int there
   */
  public int getInt(long offset) {
    return buffer.getInt(at(offset, Integer.BYTES));
  }

  /**
   * @param offset a byte offset
   * @param value the int to write there
   */
  public void putInt(long offset, int value) {
    buffer.putInt(at(offset, Integer.BYTES), value);
  }

  /**
   * @param offset a byte offset
   * @return the long there
   */
  public long getLong(long offset) {
    return buffer.getLong(at(offset, Long.BYTES));
  }

  /**
   * @param offset a byte offset
   * @param value the long to write there
   */
  public void putLong(long offset, long value) {
    buffer.putLong(at(offset, Long.BYTES), value);
  }

  /**
   * @param offset a byte offset
   * @return the double there
   */
  public double getDouble(long offset) {
    return buffer.getDouble(at(offset, Double.BYTES));
  }

  /**
   * @param offset a byte offset
   * @param value the double to write there
   */
  public void putDouble(long offset, double value) {
    buffer.putDouble(at(offset, Double.BYTES), value);
  }

  /**
   * @return a view of the whole block as bytes, from 0 to {@link #size()}, in native order
   */
  public ByteBuffer bytes() {
    at(0, 0);
    return buffer.duplicate().order(ByteOrder.nativeOrder());
  }

  /**
   * @return a view of the whole block as {@code size / 4} ints (multiprocessing's {@code
   *     Array('i')})
   */
  public IntBuffer ints() {
    return bytes().asIntBuffer();
  }

  /**
   * @return a view of the whole block as {@code size / 8} longs ({@code Array('q')})
   */
  public LongBuffer longs() {
    return bytes().asLongBuffer();
  }

  /**
   * @return a view of the whole block as {@code size / 8} doubles ({@code Array('d')})
   */
  public DoubleBuffer doubles() {
    return bytes().asDoubleBuffer();
  }

  boolean isClosed() {
    return closed;
  }

  /** Frees the block when this JVM created it; otherwise only ends this copy's use. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (created != null) {
      created.close();
    }
  }

  @Override
  public String toString() {
    return "SharedMemory[" + name + ", " + size + " bytes" + (closed ? ", closed" : "") + "]";
  }

  @Serial
  private Object writeReplace() {
    if (closed) {
      throw new IllegalStateException(
          "shared memory block "
              + name
              + " was closed; thread \""
              + Thread.currentThread().getName()
              + "\" tried to send it to another process: send a block only before its close()");
    }
    return new Handle(name, size);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a SharedMemory travels as its Handle");
  }

  /** What a block serializes as: its name and size; deserializing it attaches. */
  private record Handle(String name, long size) implements Serializable {
    @Serial
    private Object readResolve() {
      return attach(name, size);
    }
  }
}
