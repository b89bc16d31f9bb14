package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches an npm package's files into a cache folder without a project: {@code npm pack
 * NAME@VERSION} (the machine's configured registry) then {@code tar -xzf}. Each version is fetched
 * once.
 */
public final class NpmPackages {
  private final Path cache;

  public NpmPackages(Path cache) {
    this.cache = cache;
  }

  /**
   * Where {@link #unpack} puts a package's files (the tarball's {@code package/}), fetched or not.
   */
  public Path root(String name, String version) {
    return cache.resolve(name + "-" + version).resolve("package");
  }

  /** Returns the unpacked package folder (the tarball's {@code package/}). */
  public Path unpack(String name, String version) throws IOException, InterruptedException {
    Path root = root(name, version);
    Path target = root.getParent();
    if (Files.isDirectory(root)) {
      return root;
    }
    Files.createDirectories(target);
    // npm names a scoped package's tarball without the '@' and with '-' for '/'.
    Path tarball =
        target.resolve(name.replaceFirst("^@", "").replace('/', '-') + "-" + version + ".tgz");
    if (!Files.exists(tarball)) {
      run(target, "npm", "pack", "--silent", name + "@" + version);
    }
    run(target, "tar", "-xzf", tarball.getFileName().toString());
    return root;
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    int code = p.waitFor();
    if (code != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + code + " in " + dir);
    }
  }
}
