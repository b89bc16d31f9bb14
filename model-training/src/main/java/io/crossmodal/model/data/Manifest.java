package io.crossmodal.model.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's JSONL manifest: one {@link Item} per line; image paths resolve against its folder.
 */
public final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifest() {}

  public static void write(Path file, List<Item> items) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (Item item : items) {
        out.write(JSON.writeValueAsString(item));
        out.write('\n');
      }
    }
  }

  /** Reads every item; image paths come back absolute. */
  public static List<Item> read(Path file) throws IOException {
    Path base = file.toAbsolutePath().getParent();
    List<Item> items = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          Item item = JSON.readValue(line, Item.class);
          items.add(
              new Item(
                  item.id(),
                  base.resolve(item.image()).toString(),
                  item.captions(),
                  item.source(),
                  item.licence(),
                  item.split() == null ? "train" : item.split(),
                  item.category() == null ? "" : item.category()));
        } catch (IOException | IllegalArgumentException e) {
          throw new IOException(file + ":" + number + ": " + e.getMessage(), e);
        }
      }
    }
    return items;
  }
}
