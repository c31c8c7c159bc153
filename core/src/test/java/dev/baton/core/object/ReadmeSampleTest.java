package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Guard;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's object-model sample, as written there between the markers, with its claims checked
 * (examples' ReadmeSamplesTest checks that the README's copy matches).
 */
class ReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented(@TempDir Path dir) throws Exception {
    Path path = Files.writeString(dir.resolve("data.txt"), "hello");
    FileChannel[] opened = new FileChannel[1];
    // README begin
    ObjectSpace space =
        ObjectSpace.builder()
            .guard(Guard.ownedBy(Thread.currentThread(), "main")) // a GIL runtime passes its GIL
            .build(); // PLAIN counts under a guard
    RcList list = space.newList(); // refCount() == 1: ours
    try (OwnedRef<RcBox<FileChannel>> file =
        OwnedRef.steal(space.newBox(FileChannel.open(path), FileChannel::close))) {
      list.append(file.get()); // the list takes a second reference
      // README end
      opened[0] = file.get().get();
      assertThat(file.get().refCount()).isEqualTo(2);
      // README begin
    } // ours is given back
    // README end
    assertThat(opened[0].isOpen()).isTrue();
    // README begin
    list.decref(); // zero: the list is freed, releases the box, and the channel closes now
    // README end
    assertThat(opened[0].isOpen()).isFalse();
    // README begin
    space.collect(); // gc.collect(): frees unreachable cycles; totalRefCount() is 0 again
    // README end
    assertThat(space.totalRefCount()).isZero();
    assertThat(space.strategy()).isEqualTo(RefCountStrategy.PLAIN);
  }
}
