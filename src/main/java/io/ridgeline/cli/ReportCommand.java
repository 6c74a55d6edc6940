package io.ridgeline.cli;

import io.ridgeline.config.ConfigLoader;
import io.ridgeline.report.ReportPrinter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Print a finished run's selection and summary.")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "OUTPUT|CONFIG",
      description = "the reports' output directory, or a config whose run.output it is")
  String target;

  @Option(names = "--run-id", paramLabel = "ID", description = "which run (default: the one that ended last)")
  String runId;

  @Override
  public Integer call() {
    String output = target.matches(".*\\.ya?ml$") ? ConfigLoader.load(target, List.of()).run().output() : target;
    System.out.print(ReportPrinter.render(Sessions.forReports(), output, runId));
    return 0;
  }
}
