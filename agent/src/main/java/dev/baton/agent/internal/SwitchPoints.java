package dev.baton.agent.internal;

import java.util.List;

/**
 * Where the GIL may pass inside included code: the agent's {@code switch=} option. Each item is a
 * class-name prefix ({@code org.python.pycode.}) or a prefix and a method name ({@code
 * org.luaj.vm2.LuaClosure#execute}); the entries and backward branches of the methods it names are
 * checkpoints, and every other method of an included class runs under the GIL without any, so that
 * one step of an interpreter is atomic as one CPython bytecode is. With no item, every included
 * method is a switch point.
 *
 * @param items the option's items, as written
 */
public record SwitchPoints(List<String> items) {
  /** Every included method is a switch point: the default. */
  public static final SwitchPoints EVERYWHERE = new SwitchPoints(List.of());

  /** Validates the items. */
  public SwitchPoints {
    items = List.copyOf(items);
    for (String item : items) {
      int hash = item.indexOf('#');
      if (item.isEmpty() || hash == 0 || hash == item.length() - 1) {
        throw new IllegalArgumentException(
            "agent option switch=" + item + " is not PREFIX or PREFIX#method");
      }
    }
  }

  /**
   * @param dottedClass a binary class name
   * @param method a method's name
   * @return whether the method's entry and backward branches are checkpoints
   */
  public boolean at(String dottedClass, String method) {
    if (items.isEmpty()) {
      return true;
    }
    for (String item : items) {
      int hash = item.indexOf('#');
      if (hash < 0) {
        if (dottedClass.startsWith(item)) {
          return true;
        }
      } else if (dottedClass.startsWith(item.substring(0, hash))
          && method.equals(item.substring(hash + 1))) {
        return true;
      }
    }
    return false;
  }
}
