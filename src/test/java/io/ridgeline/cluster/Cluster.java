package io.ridgeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The project's scripts (jobs/local-cluster, jobs/submit) run as processes, and reports compared. */
final class Cluster {
  /** Maven runs Failsafe in the project's top directory. */
  static final Path TOP = Path.of("").toAbsolutePath();

  private Cluster() {}

  /** A finished script: exit code and every line it printed (stdout and stderr). */
  record Result(int exit, List<String> lines) {
    String text() {
      return String.join("\n", lines);
    }
  }

  /** A running script whose output is read line by line, to a log file and to {@code onLine}. */
  static final class Script implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    Script(Path log, Consumer<String> onLine, String... command) {
      ProcessBuilder pb = new ProcessBuilder(command).directory(TOP.toFile()).redirectErrorStream(true);
      // Spark from the project's classpath, whatever spark-submit the machine may have on PATH.
      pb.environment().put("RIDGELINE_SPARK_SUBMIT", "classpath");
      try {
        Files.createDirectories(log.getParent());
        process = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
            file.println(line);
            onLine.accept(line);
          }
        } catch (IOException e) {
          lines.add("(reading the output failed: " + e + ")");
        }
      }, "script-output");
      reader.setDaemon(true);
      reader.start();
    }

    Result await(long seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        close();
        fail("timed out after " + seconds + " s: " + String.join(" ", process.info().commandLine().orElse("?"))
            + "\n" + String.join("\n", lines));
      }
      reader.join(10_000);
      synchronized (lines) {
        return new Result(process.exitValue(), List.copyOf(lines));
      }
    }

    /** Kills the script and everything it started (a driver JVM, for jobs/submit). */
    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  static Result run(Path log, long seconds, String... command) throws InterruptedException {
    try (Script s = new Script(log, line -> {}, command)) {
      return s.await(seconds);
    }
  }

  /** Pids of the executor JVMs the local cluster's workers launched. */
  static List<Long> executorPids(Path log) throws InterruptedException {
    Result r = run(log, 30, "jobs/local-cluster", "executors");
    assertEquals(0, r.exit(), r.text());
    return r.lines().stream().filter(l -> l.matches("\\d+")).map(Long::valueOf).toList();
  }
}
