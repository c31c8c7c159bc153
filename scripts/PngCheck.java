// Checks a screenshot of rendered diagrams: prints its size and how many pixels are the
// diagrams' blue, red and amber, and exits 1 when the image is blank (almost all one colour) or
// shows none of the diagrams' blue. Used by scripts/render-check.sh:
//   java scripts/PngCheck.java page.png
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

public class PngCheck {
  static boolean near(int rgb, int target) {
    int dr = ((rgb >> 16) & 0xff) - ((target >> 16) & 0xff);
    int dg = ((rgb >> 8) & 0xff) - ((target >> 8) & 0xff);
    int db = (rgb & 0xff) - (target & 0xff);
    return dr * dr + dg * dg + db * db < 40 * 40;
  }

  public static void main(String[] args) throws Exception {
    BufferedImage image = ImageIO.read(new File(args[0]));
    if (image == null) {
      System.err.println("png-check: " + args[0] + " is not a readable image");
      System.exit(1);
    }
    long total = (long) image.getWidth() * image.getHeight();
    int background = image.getRGB(0, 0) & 0xffffff;
    long differ = 0;
    long blue = 0;
    long red = 0;
    long amber = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb != background) {
          differ++;
        }
        if (near(rgb, 0x3b73c8)) {
          blue++;
        } else if (near(rgb, 0xd9412e)) {
          red++;
        } else if (near(rgb, 0xf0a30a)) {
          amber++;
        }
      }
    }
    System.out.printf(
        "png-check: %dx%d, %.1f%% not background, blue %d px, red %d px, amber %d px%n",
        image.getWidth(), image.getHeight(), 100.0 * differ / total, blue, red, amber);
    if (differ < total / 100) {
      System.err.println("png-check: the page rendered blank");
      System.exit(1);
    }
    if (blue < 200) {
      System.err.println("png-check: no diagram drawn (too few blue 'working' pixels)");
      System.exit(1);
    }
  }
}
