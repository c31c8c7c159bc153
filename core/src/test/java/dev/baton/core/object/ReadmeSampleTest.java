package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Guard;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's object-model sample, as written there, with its claims checked. */
class ReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented(@TempDir Path dir) throws Exception {
    Path path = Files.writeString(dir.resolve("data.txt"), "hello");
    FileChannel[] opened = new FileChannel[1];

    ObjectSpace space =
        ObjectSpace.builder()
            .guard(Guard.ownedBy(Thread.currentThread(), "main")) // a GIL runtime passes its GIL
            .build(); // PLAIN counts under a guard
    RcList list = space.newList(); // refCount() == 1: ours
    try (OwnedRef<RcBox<FileChannel>> file =
        OwnedRef.steal(
            space.newBox(FileChannel.open(path, StandardOpenOption.READ), FileChannel::close))) {
      list.append(file.get()); // the list takes a second reference
      opened[0] = file.get().get();
      assertThat(file.get().refCount()).isEqualTo(2);
    } // ours is given back
    assertThat(opened[0].isOpen()).isTrue();
    list.decref(); // zero: the list is freed, releases the box, and the channel closes now
    assertThat(opened[0].isOpen()).isFalse();
    space.collect(); // gc.collect(): frees unreachable cycles; totalRefCount() is 0 again
    assertThat(space.totalRefCount()).isZero();
    assertThat(space.strategy()).isEqualTo(RefCountStrategy.PLAIN);
  }
}
