package io.ridgeline.cli;

import io.ridgeline.config.ConfigLoader;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.job.SweepJob;
import io.ridgeline.job.SweepJob.Outcome;
import io.ridgeline.sweep.Format;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", description = "Run a cross-validated sweep and write its reports and model.")
final class SweepCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "the sweep's YAML file (any Hadoop path)")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--run-id", paramLabel = "ID", description = "the run's id, or a template such as "
      + "nightly-{date} ({date} yyyy-MM-dd, {time} HHmmss, {name} the config's name; UTC); default: UTC time + "
      + "random. Running an unfinished id again resumes it.")
  String runId;

  @Option(names = "--break-lock", description = "remove the lock a dead run left on this run id first")
  boolean breakLock;

  @Override
  public Integer call() throws Exception {
    SweepSpec spec = ConfigLoader.load(config, overrides);
    PrintStream out = System.out;
    String id = runId != null ? SweepJob.expandRunId(runId, spec.name(), Instant.now()) : SweepJob.newRunId();
    out.println("ridgeline sweep " + spec.name() + " · run " + id + " · " + spec.model().family().key());
    SweepJob job = new SweepJob(Sessions.forSpec(spec), spec, out);
    double start = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    Outcome o = job.run(id, breakLock);
    String metric = o.metric().key();
    out.println();
    out.printf("selected (%s): %s · cv %s %s ± %s (se over %d folds)%n", o.refit().rule().key(),
        o.refitPoint().label(), metric, Format.number(o.refit().point().mean()),
        Format.number(o.refit().point().se()), o.folds());
    if (o.oneSe() != null) {
      out.printf("one-se: %s · cv %s %s ± %s%n", o.oneSePoint().label(), metric,
          Format.number(o.oneSe().point().mean()), Format.number(o.oneSe().point().se()));
    }
    out.println("reports: " + o.reports() + "/{" + String.join(",", o.tables()) + "}/run_id=" + o.runId());
    out.println("model:   " + o.model());
    if (o.page() != null) out.println("page:    " + o.page());
    out.println(o.times().line(start));
    return 0;
  }
}
