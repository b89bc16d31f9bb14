package io.crossmodal.model.train;

import io.crossmodal.model.joint.ContrastiveTrainer.EpochLog;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** Renders training loss and validation Recall@10 per epoch to a PNG with plain Java2D. */
public final class TrainingPlot {
  private static final int W = 900;
  private static final int H = 360;

  private TrainingPlot() {}

  public static void write(List<EpochLog> history, Path png, String title) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 20, 22);
    panel(g, history, 40, "training loss", e -> e.loss(), new Color(200, 60, 40), false);
    panel(
        g,
        history,
        40 + W / 2,
        "validation Recall@10 (blue i2t, green t2i)",
        e -> e.validation().imageToText().r10(),
        new Color(40, 90, 200),
        true);
    panelLine(
        g,
        history,
        40 + W / 2,
        e -> e.validation().textToImage().r10(),
        new Color(40, 160, 60),
        true,
        maxOf(history, true));
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }

  private static double maxOf(List<EpochLog> h, boolean recall) {
    return recall ? 1.0 : h.stream().mapToDouble(EpochLog::loss).max().orElse(1);
  }

  private static void panel(
      Graphics2D g,
      List<EpochLog> h,
      int x0,
      String label,
      ToDoubleFunction<EpochLog> f,
      Color c,
      boolean recall) {
    int w = W / 2 - 70;
    int top = 50;
    int bottom = H - 40;
    g.setColor(Color.GRAY);
    g.drawRect(x0, top, w, bottom - top);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.BLACK);
    g.drawString(label, x0, top - 8);
    double max = maxOf(h, recall);
    g.drawString(String.format("%.2f", max), x0 - 34, top + 10);
    g.drawString("0", x0 - 14, bottom);
    g.drawString("epoch 1", x0, bottom + 16);
    g.drawString(String.valueOf(h.size()), x0 + w - 10, bottom + 16);
    panelLine(g, h, x0, f, c, recall, max);
  }

  private static void panelLine(
      Graphics2D g,
      List<EpochLog> h,
      int x0,
      ToDoubleFunction<EpochLog> f,
      Color c,
      boolean recall,
      double max) {
    int w = W / 2 - 70;
    int top = 50;
    int bottom = H - 40;
    g.setColor(c);
    g.setStroke(new BasicStroke(2f));
    int n = h.size();
    for (int i = 0; i < n; i++) {
      int x = x0 + (n == 1 ? w / 2 : i * w / (n - 1));
      int y = bottom - (int) ((bottom - top) * f.applyAsDouble(h.get(i)) / max);
      g.fillOval(x - 3, y - 3, 6, 6);
      if (i > 0) {
        int px = x0 + (i - 1) * w / (n - 1);
        int py = bottom - (int) ((bottom - top) * f.applyAsDouble(h.get(i - 1)) / max);
        g.drawLine(px, py, x, y);
      }
    }
  }
}
