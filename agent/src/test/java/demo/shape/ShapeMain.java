package demo.shape;

/**
 * A plain-Java program for the agent's end-to-end test of class hierarchies: a method of {@link
 * Circle} assigns {@code new Circle()} on one branch and {@code new Square()} on the other to one
 * variable, so the stack map at the join names their common superclass, which the instrumenter must
 * find without loading {@code Circle}, the class it is rewriting.
 */
public final class ShapeMain {
  private ShapeMain() {}

  public static void main(String[] args) {
    System.out.println(Circle.pick(args.length > 0).name() + " " + Circle.pick(false).name());
  }

  /** The common superclass. */
  public abstract static class Shape {
    abstract String name();
  }

  /** One branch's class, and the one whose code has the two-branch shape. */
  public static final class Circle extends Shape {
    @Override
    String name() {
      return "circle";
    }

    static Shape pick(boolean round) {
      Shape s;
      if (round) {
        s = new Circle();
      } else {
        s = new Square();
      }
      return s;
    }
  }

  /** The other branch's class. */
  public static final class Square extends Shape {
    @Override
    String name() {
      return "square";
    }
  }
}
