package demo.lua;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Four Java threads run one Lua function on one LuaJ interpreter: {@code counter = counter + 1} in
 * a Lua loop. For the agent's end-to-end test with {@code include=org.luaj.}; this class is not
 * included, LuaJ's are.
 */
public final class LuaRace {
  private LuaRace() {}

  public static void main(String[] args) throws InterruptedException {
    int n = Integer.parseInt(args[0]);
    Globals globals = JsePlatform.standardGlobals();
    globals
        .load(
            "counter = 0\n"
                + "function work(n) for i = 1, n do counter = counter + 1 end end\n"
                + "function get() return counter end\n")
        .call();
    LuaValue work = globals.get("work");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> work.call(LuaValue.valueOf(n))));
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("lua counter " + globals.get("get").call().toint() + " of " + 4L * n);
  }
}
