package io.ridgeline.cli;

import io.ridgeline.config.SweepSpec;
import io.ridgeline.report.NioLocalFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession for a command: spark-submit's master if there is one, else {@code run.master}. */
final class Sessions {
  private Sessions() {}

  static SparkSession forSpec(SweepSpec spec) {
    return builder("ridgeline · " + spec.name(), spec.run().master()).getOrCreate();
  }

  static SparkSession forReports() {
    return builder("ridgeline report", "local[*]").getOrCreate();
  }

  static SparkSession forPredict() {
    return builder("ridgeline predict", "local[*]").getOrCreate();
  }

  private static SparkSession.Builder builder(String appName, String master) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.scheduler.mode", "FAIR")
        .config("spark.ui.showConsoleProgress", "false");
    SparkConf launch = new SparkConf();
    if (!launch.contains("spark.master") && SparkSession.getActiveSession().isEmpty()
        && SparkSession.getDefaultSession().isEmpty()) {
      b.master(master);
    }
    return NioLocalFileSystem.use(b, launch.get("spark.master", master));
  }
}
