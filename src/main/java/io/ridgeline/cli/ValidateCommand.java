package io.ridgeline.cli;

import io.ridgeline.config.ConfigLoader;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.job.SweepJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check a config and its data; train nothing, write nothing.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    SweepSpec spec = ConfigLoader.load(config, overrides);
    System.out.println(new SweepJob(Sessions.forSpec(spec), spec, System.out).validate());
    System.out.println("ok: " + config + " is valid");
    return 0;
  }
}
