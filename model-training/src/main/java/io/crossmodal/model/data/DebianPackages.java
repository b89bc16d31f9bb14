package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fetches Debian packages' files into a cache folder without installing them: {@code apt-get
 * download} (the machine's configured package sources) then {@code dpkg -x}. Each package is
 * fetched once; a marker file makes reruns instant.
 */
final class DebianPackages {
  private final Path cache;

  public DebianPackages(Path cache) {
    this.cache = cache;
  }

  /** The folder under {@code cache} that {@link #unpack} fills with the packages' files. */
  public static Path root(Path cache) {
    return cache.resolve("root");
  }

  /** Returns the root folder holding every package's unpacked files ({@code usr/share/…}). */
  public Path unpack(List<String> packages) throws IOException, InterruptedException {
    Path debs = Files.createDirectories(cache.resolve("debs"));
    Path root = Files.createDirectories(root(cache));
    for (String pkg : packages) {
      Path marker = root.resolve(".unpacked-" + pkg);
      if (Files.exists(marker)) {
        continue;
      }
      Path deb = findDeb(debs, pkg);
      if (deb == null) {
        run(debs, "apt-get", "download", pkg);
        deb = findDeb(debs, pkg);
        if (deb == null) {
          throw new IOException(
              "apt-get download " + pkg + " produced no .deb (run 'apt-get update' first?)");
        }
      }
      run(debs, "dpkg", "-x", deb.toString(), root.toString());
      Files.writeString(marker, deb.getFileName().toString());
    }
    return root;
  }

  private static Path findDeb(Path dir, String pkg) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, pkg + "_*.deb")) {
      for (Path f : files) {
        return f;
      }
    }
    return null;
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    int code = p.waitFor();
    if (code != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + code);
    }
  }
}
