package io.ridgeline.cli;

import io.ridgeline.config.BadInputException;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.job.SweepJob;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ridgeline sweep|validate|report|predict}. Exit codes: 0 success; 2 bad command line, config, data,
 * output or run id (one line per problem, naming it); 1 a run that failed for another reason (an
 * internal failure, Spark's and Scala's argument checks included: one line with its cause).
 */
@Command(name = "ridgeline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Cross-validated regularization sweeps on Apache Spark.",
    subcommands = {SweepCommand.class, ValidateCommand.class, ReportCommand.class, PredictCommand.class})
public final class Main {
  static final int BAD_INPUT = 2;
  static final int FAILED = 1;
  private static final boolean DEBUG = System.getenv("RIDGELINE_DEBUG") != null;

  public static void main(String[] args) {
    int code = execute(args);
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    System.exit(code);
  }

  /** Runs a command line without exiting: tests call this. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, line, parsed) -> report(e, line.getErr()));
    return cl.execute(args);
  }

  /**
   * Bad input (a {@link BadInputException}: config, data, command line, run id, output — thrown or the
   * cause of what was thrown) is one line per problem and exit 2; anything else is an internal failure: one line with the root cause's type and
   * message, exit 1, and the stack trace only when {@code RIDGELINE_DEBUG} is set.
   */
  static int report(Exception e, PrintWriter err) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BadInputException bad) {   // also when a worker thread's refusal arrives wrapped
        bad.getMessage().lines().forEach(l -> err.println("ridgeline: " + l));
        return BAD_INPUT;
      }
      root = t;
    }
    err.println("ridgeline: run failed: " + root.getClass().getSimpleName() + ": " + DatasetLoader.rootMessage(e)
        + (DEBUG ? "" : " (RIDGELINE_DEBUG=1 prints the stack trace)"));
    if (DEBUG) e.printStackTrace(err);
    return FAILED;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ridgeline " + SweepJob.appVersion()};
    }
  }
}
