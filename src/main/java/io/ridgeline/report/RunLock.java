package io.ridgeline.report;

import io.ridgeline.config.BadInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run id at a time: a lock file {@code <output>/_locks/<run_id>} that is created only if it does
 * not exist, atomically ({@link AtomicPaths#createExclusive}: a link(2) on local disks, a rename that
 * refuses an existing target on HDFS), so of any number of runs racing for one run id exactly one
 * gets it. The file says who holds the lock (pid, host, since when), so a refusal can name the holder.
 * A run that dies without releasing (kill -9, a lost driver) leaves its lock; {@code --break-lock}
 * removes it explicitly.
 */
public final class RunLock implements AutoCloseable {
  private final FileSystem fs;
  private final Path path;

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  /** A run id held by another run. */
  public static final class HeldException extends BadInputException {
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
    if (!AtomicPaths.createExclusive(fs, path, me.getBytes(StandardCharsets.UTF_8))) throw held(fs, path, runId);
    return new RunLock(fs, path);
  }

  private static HeldException held(FileSystem fs, Path path, String runId) throws IOException {
    return new HeldException("run id '" + runId + "' is locked by another run (pid " + holder(fs, path) + "): "
        + path + "; if that run is dead, run again with --break-lock");
  }

  private static String holder(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (FileNotFoundException gone) {
      return "released meanwhile";
    }
  }

  /** Releases the lock, and removes {@code _locks/} if no other run holds one (or is taking one). */
  @Override
  public void close() throws IOException {
    fs.delete(path, false);
    AtomicPaths.removeIfEmpty(fs, path.getParent());
  }
}
