package io.crossmodal.model.train;

/** A one-line terminal progress bar with rate and ETA, redrawn at most twice a second. */
public final class Progress {
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;

  public Progress(String label, long total) {
    this.label = label;
    this.total = Math.max(1, total);
  }

  public void step(long n) {
    done += n;
    long now = System.nanoTime();
    if (now - lastDraw > 500_000_000L || done >= total) {
      lastDraw = now;
      draw(now, "");
    }
  }

  public void done() {
    draw(System.nanoTime(), "");
    System.err.println();
  }

  private void draw(long now, String text) {
    double seconds = (now - start) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    int width = 30;
    int filled = (int) (width * Math.min(1.0, (double) done / total));
    System.err.printf(
        "\r%s [%s%s] %d/%d %.1f/s ETA %dm%02ds %s",
        label,
        "#".repeat(filled),
        " ".repeat(width - filled),
        done,
        total,
        rate,
        eta / 60,
        eta % 60,
        text);
  }
}
