/**
 * Reference-counted objects guarded by a {@link dev.baton.core.Guard}: the object model of the
 * talk's second half, and the reason CPython has a GIL.
 *
 * <h2>The model</h2>
 *
 * <p>An {@link dev.baton.core.object.ObjectSpace} makes {@link dev.baton.core.object.RcObject}s
 * (lists, dicts, boxes around Java values, user types). Each is born with one reference owned by
 * its creator; {@code incref}/{@code decref} add and give back references; at zero the object is
 * deallocated at once, exactly once: finalizer (once in its life, PEP 442), weak references cleared
 * and their callbacks run, held references released, own resources released (a box's close action),
 * marked dead. Deallocation is iterative (a per-thread worklist, CPython's trashcan): a
 * million-object chain frees without growing the stack. References that form cycles are found by
 * {@link dev.baton.core.object.ObjectSpace#collect()}, CPython's trial-deletion collector, also run
 * automatically in guarded spaces on CPython's generation thresholds (700/10/10 by default: gen 0
 * when container allocations minus deallocations pass 700, gen 1 every 10 gen-0 collections, gen 2
 * every 10 gen-1 collections; survivors age one generation). Not copied: CPython 3.12's rule that
 * also defers a full collection until a quarter of the long-lived objects are new. Immortals (PEP
 * 683) never change count and are shared by every space.
 *
 * <h2>Misuse is never silent</h2>
 *
 * <p>Every operation checks the guard first (for a GIL this is also a checkpoint where it may be
 * handed over, except in incref and decref; see {@link dev.baton.core.object.RcObject}) and throws
 * a {@link dev.baton.core.BatonMisuseException} to a thread that may not touch the objects. A
 * decref below zero throws {@link dev.baton.core.object.UseAfterFreeException} and changes nothing,
 * as does any other use of a deallocated object or of a closed {@link
 * dev.baton.core.object.OwnedRef}. Spaces do not share objects (CPython's interpreters do not):
 * storing an object of another space in a container throws {@link
 * dev.baton.core.BatonMisuseException} before any count changes, and a type of one's own calls
 * {@code checkReferent} before it stores a reference. An object that the Java garbage collector
 * reclaims while its count is above zero is a leak: counted, and logged once through SLF4J at the
 * {@link dev.baton.core.object.LeakDetection} level chosen (1-in-128 sampling, as Netty's {@code
 * ResourceLeakDetector}). Containers are held by the collector's generation lists until
 * deallocated, as CPython's gc lists hold them, so a leaked container stays visible in {@link
 * dev.baton.core.object.ObjectSpace#liveObjects()} and {@link
 * dev.baton.core.object.ObjectSpace#totalRefCount()} rather than being reclaimed by Java; leaks of
 * non-container objects (boxes, which hold the resources) are reported by the detector.
 *
 * <h2>Strategies</h2>
 *
 * <ul>
 *   <li>{@link dev.baton.core.object.RefCountStrategy#PLAIN}: a plain {@code int}, {@code count++}.
 *       Correct only because the guard (the GIL) lets one thread in at a time. A space may be built
 *       with {@code Guard.none()} and PLAIN counts only through {@code allowRacyPlainCounts()},
 *       which exists to show the lost updates (the {@code refcount} example, the jcstress proofs).
 *   <li>{@link dev.baton.core.object.RefCountStrategy#ATOMIC}: {@code VarHandle.getAndAdd} on every
 *       operation, the "lock every object" alternative.
 *   <li>{@link dev.baton.core.object.RefCountStrategy#BIASED}: PEP 703. Fields: {@code owner} (the
 *       creating thread), {@code count} (the owner's local count, plain writes by the owner only)
 *       and {@code shared} ({@code (count << 2) | state}, atomic). The owner increments and
 *       decrements {@code count} without atomics; every other thread does an atomic get-and-add of
 *       ±4 on {@code shared}. State DEFAULT: owned. When a non-owner takes the shared count below
 *       zero in DEFAULT, it CASes the state to QUEUED and queues the object for its owner
 *       (immediately merging it itself if the owner has ended). The owner merges its queue ({@link
 *       dev.baton.core.object.ObjectSpace#mergePendingRefCounts()}, run when it allocates, collects
 *       or reads the census; CPython runs it at eval-breaker checks): total = local + shared,
 *       written into {@code shared} with state MERGED, {@code owner} cleared, deallocated at zero.
 *       When the owner's local count reaches zero it CASes the state to MERGED, drops ownership,
 *       and deallocates if the shared count is zero. Once MERGED every thread uses the shared count
 *       atomically, and the thread that takes it to zero deallocates. Not implemented from CPython:
 *       the "weakrefs" state bit, and the immediate deallocation at zero of never-shared objects
 *       before any other thread has seen them (CPython's fast path is the same as ours here).
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>A space with a guard (a GIL) is touched by one thread at a time, and every field is plain.
 * Under a free-threaded space ({@code Guard.none()}) reference-count operations are safe with
 * ATOMIC and BIASED; container contents are not thread-safe, and {@code collect()} must run while
 * no other thread changes containers (CPython's free-threaded build stops the world for it). Field
 * accessors are named by their memory ordering ({@code countOpaque}, {@code casShared}, {@code
 * ownerAcquire}); invariants are written next to the fields in {@code RcObject}.
 */
package dev.baton.core.object;
