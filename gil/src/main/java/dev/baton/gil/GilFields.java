package dev.baton.gil;

/**
 * The GIL's field layout: superclasses of {@link Gil}, each hot group on its own cache line, padded
 * by inheritance (HotSpot lays out a superclass's fields before its subclass's): 64 bytes of byte
 * fields before and after each group, 64 being the cache line of the x86-64 and AArch64 machines
 * Baton runs on. Adjacent-line prefetching is not defended against; the groups are written by
 * different threads, never all at once.
 */
final class GilFields {
  private GilFields() {}

  /** 64 bytes of padding so the fields after it sit on their own cache line. */
  @SuppressWarnings("unused")
  abstract static class GilPad0 {
    byte a000;
    byte a001;
    byte a002;
    byte a003;
    byte a004;
    byte a005;
    byte a006;
    byte a007;
    byte a008;
    byte a009;
    byte a010;
    byte a011;
    byte a012;
    byte a013;
    byte a014;
    byte a015;
    byte a016;
    byte a017;
    byte a018;
    byte a019;
    byte a020;
    byte a021;
    byte a022;
    byte a023;
    byte a024;
    byte a025;
    byte a026;
    byte a027;
    byte a028;
    byte a029;
    byte a030;
    byte a031;
    byte a032;
    byte a033;
    byte a034;
    byte a035;
    byte a036;
    byte a037;
    byte a038;
    byte a039;
    byte a040;
    byte a041;
    byte a042;
    byte a043;
    byte a044;
    byte a045;
    byte a046;
    byte a047;
    byte a048;
    byte a049;
    byte a050;
    byte a051;
    byte a052;
    byte a053;
    byte a054;
    byte a055;
    byte a056;
    byte a057;
    byte a058;
    byte a059;
    byte a060;
    byte a061;
    byte a062;
    byte a063;
  }

  /** The gate: read by the holder at every checkpoint, written at tenure changes and by waiters. */
  abstract static class GilGateField extends GilPad0 {
    /**
     * The thread that may pass a checkpoint without stopping: the holder when no drop is requested,
     * {@code Gil.DROP_REQUEST} when a waiter asked the holder to drop, null when the GIL is free.
     * Written by the thread that takes or transfers the GIL (opaque store) and by waiters (CAS from
     * the holder to the drop request, under the GIL's mutex); read by the holder with an opaque
     * load. Invariant: {@code gate == t} for a thread {@code t} only while {@code t} holds the GIL.
     */
    Object gate;
  }

  /** 64 bytes of padding so the fields after it sit on their own cache line. */
  @SuppressWarnings("unused")
  abstract static class GilPad1 extends GilGateField {
    byte b000;
    byte b001;
    byte b002;
    byte b003;
    byte b004;
    byte b005;
    byte b006;
    byte b007;
    byte b008;
    byte b009;
    byte b010;
    byte b011;
    byte b012;
    byte b013;
    byte b014;
    byte b015;
    byte b016;
    byte b017;
    byte b018;
    byte b019;
    byte b020;
    byte b021;
    byte b022;
    byte b023;
    byte b024;
    byte b025;
    byte b026;
    byte b027;
    byte b028;
    byte b029;
    byte b030;
    byte b031;
    byte b032;
    byte b033;
    byte b034;
    byte b035;
    byte b036;
    byte b037;
    byte b038;
    byte b039;
    byte b040;
    byte b041;
    byte b042;
    byte b043;
    byte b044;
    byte b045;
    byte b046;
    byte b047;
    byte b048;
    byte b049;
    byte b050;
    byte b051;
    byte b052;
    byte b053;
    byte b054;
    byte b055;
    byte b056;
    byte b057;
    byte b058;
    byte b059;
    byte b060;
    byte b061;
    byte b062;
    byte b063;
  }

  /** The holder and what only the holder writes. */
  abstract static class GilHolderFields extends GilPad1 {
    /**
     * The thread holding the GIL, or null. Taken by CAS from null (fast path) or set by the thread
     * handing the GIL over (under the mutex); cleared by the holder with a volatile store.
     */
    volatile Thread holder;

    /**
     * Tenures begun, the "switch number" of ceval_gil.c. Written only by the thread that holds or
     * is transferring the GIL (ownership orders the writes); read racily (opaque) by waiters, which
     * compare it across one interval to see whether a hand-off happened.
     */
    long acquisitions;

    /** When the current tenure began (nanoTime); holder-written. */
    long holdStartNanos;

    /** Total nanoseconds of finished tenures; holder-written, read racily by snapshots. */
    long heldNanos;

    /**
     * When the current tenure began for the trace timeline, 0 while tracing is off; holder-only.
     */
    long traceStartNanos;

    /** Cache of the last holder's statistics record; holder-written. */
    ThreadStats holderStats;
  }

  /** 64 bytes of padding so the fields after it sit on their own cache line. */
  @SuppressWarnings("unused")
  abstract static class GilPad2 extends GilHolderFields {
    byte c000;
    byte c001;
    byte c002;
    byte c003;
    byte c004;
    byte c005;
    byte c006;
    byte c007;
    byte c008;
    byte c009;
    byte c010;
    byte c011;
    byte c012;
    byte c013;
    byte c014;
    byte c015;
    byte c016;
    byte c017;
    byte c018;
    byte c019;
    byte c020;
    byte c021;
    byte c022;
    byte c023;
    byte c024;
    byte c025;
    byte c026;
    byte c027;
    byte c028;
    byte c029;
    byte c030;
    byte c031;
    byte c032;
    byte c033;
    byte c034;
    byte c035;
    byte c036;
    byte c037;
    byte c038;
    byte c039;
    byte c040;
    byte c041;
    byte c042;
    byte c043;
    byte c044;
    byte c045;
    byte c046;
    byte c047;
    byte c048;
    byte c049;
    byte c050;
    byte c051;
    byte c052;
    byte c053;
    byte c054;
    byte c055;
    byte c056;
    byte c057;
    byte c058;
    byte c059;
    byte c060;
    byte c061;
    byte c062;
    byte c063;
  }

  /** The waiter count: written by waiters, read by the holder at each release. */
  abstract static class GilWaiterFields extends GilPad2 {
    /**
     * Threads waiting for the GIL (or about to try for it). Changed only under the mutex, read by
     * releasers without it: a waiter increments it before its last try for the GIL and a releaser
     * clears {@code holder} before reading it, both volatile, so one of them sees the other
     * (Dekker) and no wake-up is lost.
     */
    volatile int waiters;
  }

  /** 64 bytes of padding so the fields after it sit on their own cache line. */
  @SuppressWarnings("unused")
  abstract static class GilPad3 extends GilWaiterFields {
    byte d000;
    byte d001;
    byte d002;
    byte d003;
    byte d004;
    byte d005;
    byte d006;
    byte d007;
    byte d008;
    byte d009;
    byte d010;
    byte d011;
    byte d012;
    byte d013;
    byte d014;
    byte d015;
    byte d016;
    byte d017;
    byte d018;
    byte d019;
    byte d020;
    byte d021;
    byte d022;
    byte d023;
    byte d024;
    byte d025;
    byte d026;
    byte d027;
    byte d028;
    byte d029;
    byte d030;
    byte d031;
    byte d032;
    byte d033;
    byte d034;
    byte d035;
    byte d036;
    byte d037;
    byte d038;
    byte d039;
    byte d040;
    byte d041;
    byte d042;
    byte d043;
    byte d044;
    byte d045;
    byte d046;
    byte d047;
    byte d048;
    byte d049;
    byte d050;
    byte d051;
    byte d052;
    byte d053;
    byte d054;
    byte d055;
    byte d056;
    byte d057;
    byte d058;
    byte d059;
    byte d060;
    byte d061;
    byte d062;
    byte d063;
  }
}
