package io.ridgeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession every test class shares (Surefire runs the suite in one JVM). */
public final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      SparkSession.Builder builder = SparkSession.builder()
          .master("local[2]")
          .appName("ridgeline-tests")
          .config("spark.scheduler.mode", "FAIR")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.sql.shuffle.partitions", "4")
          // The suite runs tens of thousands of jobs in one JVM: keep the status store (which the disabled
          // UI would show) small, so its bookkeeping and cleanup stay cheap late in the suite.
          .config("spark.ui.retainedJobs", "100")
          .config("spark.ui.retainedStages", "100")
          .config("spark.ui.retainedTasks", "5000")
          .config("spark.sql.ui.retainedExecutions", "20");
      // file: paths as the command line's local sessions have them (no chmod process per file).
      spark = io.ridgeline.report.NioLocalFileSystem.use(builder, "local[2]").getOrCreate();
    }
    return spark;
  }

  /** A fresh temporary directory under target/, so test output stays inside the build tree. */
  public static Path tempDir(String prefix) {
    try {
      Path base = Path.of("target", "test-work");
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
