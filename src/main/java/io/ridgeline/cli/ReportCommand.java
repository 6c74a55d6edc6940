package io.ridgeline.cli;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.ConfigLoader;
import io.ridgeline.page.RunPage;
import io.ridgeline.page.RunTables;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.ridgeline.report.ReportPrinter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Print a finished run's selection and summary; --html renders its page.")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "OUTPUT|CONFIG",
      description = "the reports' output directory, or a config whose run.output it is")
  String target;

  @Option(names = "--run-id", paramLabel = "ID", description = "which run (default: the one that ended last)")
  String runId;

  @Option(names = "--html", paramLabel = "DIR",
      description = "also render the run's page (its figures and tables) into DIR, any Hadoop path")
  String html;

  @Override
  public Integer call() throws IOException {
    String output = target.matches(".*\\.ya?ml$") ? ConfigLoader.load(target, List.of()).run().output() : target;
    SparkSession spark = Sessions.forReports();
    System.out.print(ReportPrinter.render(spark, output, runId));
    if (html != null) {
      Row run = ReportPrinter.findRun(spark, output, runId);
      String id = run.getAs("run_id");
      if (!"succeeded".equals(run.getAs("status"))) {
        throw new BadInputException("run '" + id + "' in " + output + " " + run.getAs("status") + ": it has no page");
      }
      Map<String, String> files = RunPage.render(RunTables.read(spark, output, id));
      Path dir = new Path(html);
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      RunPage.write(fs, dir, files);
      System.out.println("page:    " + fs.makeQualified(new Path(dir, "index.html")));
    }
    return 0;
  }
}
