package io.ridgeline.data;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The levels of categorical columns, from the full data, in a deterministic order: numeric and boolean
 * columns by value (false before true), text columns by their text in code-point order (as R's
 * {@code factor} sorts in the C locale), and the null level {@code (null)} last. A level's text is
 * what Spark's {@code CAST(… AS STRING)} makes of the value, the same expression the saved model's
 * first stage applies. Each column costs one job that brings at most {@code maxLevels + 1} distinct
 * values to the driver; a column with more is refused with its exact level count.
 */
final class Levels {
  private Levels() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Comparator<Row> ORDER = Comparator.comparing(
      (Row r) -> (Comparable) r.get(1), Comparator.nullsLast(Comparator.naturalOrder()));

  /** {@code inputs} with every categorical column's levels filled in. */
  static List<FeaturePipeline.Input> find(Dataset<Row> raw, List<FeaturePipeline.Input> inputs, int maxLevels,
      String where) {
    Dataset<Row> renamed = null;
    List<FeaturePipeline.Input> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      FeaturePipeline.Input in = inputs.get(i);
      if (!in.categorical()) {
        out.add(in);
        continue;
      }
      if (renamed == null) renamed = FeaturePipeline.renaming(inputs).transform(raw);
      Dataset<Row> distinct = renamed.select(col(FeaturePipeline.internal(i)), Columns.of(in.column())).distinct();
      List<Row> rows = new ArrayList<>(distinct.limit(maxLevels + 1).collectAsList());
      if (rows.size() > maxLevels) {
        throw new DataException(where + ": categorical column '" + in.column() + "' has " + distinct.count()
            + " levels, more than data.maxLevels = " + maxLevels + " (an id? leave it out of data.features, or raise "
            + "data.maxLevels)");
      }
      rows.sort(ORDER);
      out.add(new FeaturePipeline.Input(in.column(), rows.stream().map(r -> r.getString(0)).toList()));
    }
    return out;
  }

  /** One name per feature: the column for a numeric one, {@code column=level} for each level. */
  static List<String> featureNames(List<FeaturePipeline.Input> inputs) {
    List<String> names = new ArrayList<>();
    for (FeaturePipeline.Input in : inputs) {
      if (!in.categorical()) names.add(in.column());
      else in.levels().forEach(level -> names.add(in.column() + "=" + level));
    }
    return names;
  }
}
