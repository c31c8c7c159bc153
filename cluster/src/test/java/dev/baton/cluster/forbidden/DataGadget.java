package dev.baton.cluster.forbidden;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** Like {@link CallableGadget}, in Hazelcast's own serialization, which names its class. */
public final class DataGadget implements Callable<String>, DataSerializable {
  /** Set when an instance runs. */
  public static final AtomicBoolean CALLED = new AtomicBoolean();

  /** For Hazelcast. */
  public DataGadget() {}

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}

  @Override
  public String call() {
    CALLED.set(true);
    return "pwned";
  }
}
