package io.crossmodal.model.data;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes the small sample that ships with the repository for {@code ./crossmodal local}: items of
 * the <em>test</em> split only (so the demo shows the model on images it never trained on), from
 * redistributable sources (public-domain clip art and Apache-2.0 emoji), downscaled to at most
 * {@link #MAX_SIDE} pixels to keep the repository small.
 */
public final class SampleWriter {
  public static final int MAX_SIDE = 128;

  private SampleWriter() {}

  public static List<Item> write(List<Item> all, int count, Path outDir) throws IOException {
    List<Item> candidates =
        all.stream()
            .filter(
                i ->
                    i.split().equals("test")
                        && (i.source().equals("openclipart") || i.source().equals("emoji")))
            .sorted(Comparator.comparing(i -> Splits.bucketKey(i.id())))
            .toList();
    Path images = Files.createDirectories(outDir.resolve("images"));
    List<Item> written = new ArrayList<>();
    for (Item item : candidates) {
      if (written.size() >= count) {
        break;
      }
      BufferedImage image;
      try {
        image = ImageIO.read(Path.of(item.image()).toFile());
      } catch (IOException e) {
        image = null; // the dataset's one undecodable test image: evaluation leaves it out too
      }
      if (image == null) {
        System.err.println("skipping undecodable " + item.image());
        continue;
      }
      String file = item.id() + ".png";
      ImageIO.write(downscale(image), "png", images.resolve(file).toFile());
      written.add(
          new Item(
              item.id(),
              "images/" + file,
              item.captions(),
              item.source(),
              item.licence(),
              item.split(),
              item.category()));
    }
    Manifest.write(outDir.resolve("manifest.jsonl"), written);
    return written;
  }

  private static BufferedImage downscale(BufferedImage image) {
    double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(image.getWidth(), image.getHeight()));
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(image.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    g.dispose();
    return out;
  }
}
