package io.ridgeline.cli;

import io.ridgeline.config.BadInputException;
import io.ridgeline.config.DataFormat;
import io.ridgeline.job.PredictJob;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", description = "Score raw data with a saved model; write Parquet with the input "
    + "columns, prediction and (classifiers) probability.")
final class PredictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a saved model: <run.output>/models/<run_id>")
  String model;

  @Parameters(index = "1", paramLabel = "DATA", description = "the data to score, with the training columns")
  String data;

  @Option(names = "--output", required = true, paramLabel = "OUT", description = "where the Parquet goes")
  String output;

  @Option(names = "--format", paramLabel = "csv|parquet|libsvm", description = "DATA's format (default: from "
      + "its extension)")
  String format;

  @Option(names = "--overwrite", description = "replace OUT if it exists")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    DataFormat f = format != null ? parse(format) : DataFormat.fromExtension(data);
    if (f == null) {
      throw new BadInputException("--format: cannot tell csv, parquet or libsvm from '" + data + "'; give --format");
    }
    long rows = new PredictJob(Sessions.forPredict()).run(model, data, f, output, overwrite);
    System.out.println("predictions: " + rows + " rows · " + output);
    return 0;
  }

  private static DataFormat parse(String value) {
    return Arrays.stream(DataFormat.values()).filter(d -> d.key().equals(value.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new BadInputException("--format " + value + ": expected csv, parquet or libsvm"));
  }
}
