package io.ridgeline.cli;

import io.ridgeline.config.ConfigException;
import io.ridgeline.data.DataException;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.job.SweepJob;
import io.ridgeline.report.ReportPrinter.NoSuchRunException;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ridgeline sweep|validate|report|predict}. Exit codes: 0 success; 2 bad command line, config, data or
 * run id (one line per problem, naming it); 1 a run that failed for another reason.
 */
@Command(name = "ridgeline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Cross-validated regularization sweeps on Apache Spark.",
    subcommands = {SweepCommand.class, ValidateCommand.class, ReportCommand.class, PredictCommand.class})
public final class Main {
  static final int BAD_INPUT = 2;
  static final int FAILED = 1;

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

  private static int report(Exception e, PrintWriter err) {
    if (e instanceof ConfigException c) {
      c.getMessage().lines().forEach(l -> err.println("ridgeline: " + l));
      return BAD_INPUT;
    }
    if (e instanceof DataException || e instanceof NoSuchRunException || e instanceof IllegalArgumentException) {
      err.println("ridgeline: " + e.getMessage());
      return BAD_INPUT;
    }
    err.println("ridgeline: run failed: " + DatasetLoader.rootMessage(e));
    if (System.getenv("RIDGELINE_DEBUG") != null) e.printStackTrace(err);
    else err.println("ridgeline: (set RIDGELINE_DEBUG=1 for the stack trace)");
    return FAILED;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ridgeline " + SweepJob.appVersion()};
    }
  }
}
