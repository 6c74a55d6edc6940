package io.ridgeline.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run id at a time: a lock file {@code <output>/_locks/<run_id>} created with
 * {@code create(overwrite = false)}, which fails when the file exists — atomic on HDFS and local file
 * systems; on object stores it is as atomic as the store's conditional create. The file says who holds
 * the lock (host, pid, since when), so a refusal can name the holder. A run that dies without releasing
 * (kill -9, a lost driver) leaves its lock; {@code --break-lock} removes it explicitly.
 */
public final class RunLock implements AutoCloseable {
  private final FileSystem fs;
  private final Path path;

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  /** A run id held by another run. */
  public static final class HeldException extends IllegalArgumentException {
    HeldException(String message) {
      super(message);
    }
  }

  public static Path path(Path output, String runId) {
    return new Path(new Path(output, "_locks"), runId);
  }

  /**
   * Takes the lock for {@code runId} under {@code output}, first removing a lock left behind when
   * {@code breakStale}; refuses, naming the holder, when another run holds it.
   */
  public static RunLock acquire(FileSystem fs, Path output, String runId, boolean breakStale) throws IOException {
    Path path = path(output, runId);
    if (breakStale && fs.exists(path)) {
      System.err.println("ridgeline: breaking the lock on run id '" + runId + "' (" + holder(fs, path) + ")");
      fs.delete(path, false);
    }
    String me = ManagementFactory.getRuntimeMXBean().getPid() + " on " + InetAddress.getLocalHost().getHostName()
        + " since " + Instant.now();
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(me.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // FileAlreadyExistsException on most file systems, a plain IOException on some.
      if (isFile(fs, path)) throw held(fs, path, runId);
      throw e;
    }
    return new RunLock(fs, path);
  }

  private static HeldException held(FileSystem fs, Path path, String runId) throws IOException {
    return new HeldException("run id '" + runId + "' is locked by another run (pid " + holder(fs, path) + "): "
        + path + "; if that run is dead, run again with --break-lock");
  }

  private static boolean isFile(FileSystem fs, Path path) {
    try {
      return fs.getFileStatus(path).isFile();
    } catch (IOException e) {
      return false;
    }
  }

  private static String holder(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (FileNotFoundException gone) {
      return "released meanwhile";
    }
  }

  /** Releases the lock, and removes {@code _locks/} if no other run holds one. */
  @Override
  public void close() throws IOException {
    fs.delete(path, false);
    try {
      fs.delete(path.getParent(), false);   // refused while another lock is in it
    } catch (IOException notEmpty) {
      // another run's lock
    }
  }
}
