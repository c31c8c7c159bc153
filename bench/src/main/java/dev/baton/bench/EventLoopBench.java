package dev.baton.bench;

import dev.baton.bench.scenario.LoopAdapter;

/** {@link LoopBench} on Baton's event loop, running on a platform thread of its own. */
public class EventLoopBench extends LoopBench {
  @Override
  LoopAdapter newLoop() {
    return LoopAdapter.baton();
  }
}
