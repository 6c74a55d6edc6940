package io.ridgeline.data;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.ridgeline.config.DataFormat;
import io.ridgeline.config.MissingValues;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.config.SweepSpec.DataSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads the configured data and checks it before anything is trained: columns exist; features are
 * numeric, boolean or text (the last two, and {@code data.categorical}, one-hot encoded with every
 * level, see {@link Levels}); no nulls, NaN or infinities in any used numeric column (or, with {@code
 * data.missing: drop}, such rows dropped and counted); weights non-negative with a positive sum; labels
 * that fit the family (classification: 0..K−1, every class present). All checks on scalar columns run
 * in one aggregation job; a vector column is checked by its stored values only. The features are
 * assembled by the {@link FeaturePipeline} the saved model reuses. Every failure is a
 * {@link DataException} naming the path and column.
 */
public final class DatasetLoader {
  private static final int MAX_CLASSES = 1000;

  private DatasetLoader() {}

  public static LabeledData load(SparkSession spark, SweepSpec spec) {
    DataSpec d = spec.data();
    boolean classification = spec.model().classification();
    try {
      spark.sparkContext().setJobDescription("load and check " + d.path());
      if (d.format() == DataFormat.CSV) {
        StructType sampled = CsvSchema.sampled(spark, d.path());
        if (sampled != null) {
          try {
            return check(CsvSchema.read(spark, d.path(), sampled), d, spec.cv().foldColumn(), spec.cv().groupColumn(),
                classification, true);
          } catch (Exception e) {   // Spark's own exceptions are checked ones, thrown undeclared
            if (e instanceof DataException || !CsvSchema.isParseFailure(e)) throw e;
            System.err.println("ridgeline: " + d.path() + ": a value past the first rows does not fit the column "
                + "types they suggest (" + rootMessage(e) + "); inferring the types from the whole file");
          }
        }
      }
      return check(read(spark, d.path(), d.format()), d, spec.cv().foldColumn(), spec.cv().groupColumn(),
          classification, d.format() != DataFormat.PARQUET);
    } catch (DataException e) {
      throw e;
    } catch (Exception e) {
      throw new DataException("cannot read data.path '" + d.path() + "' as " + d.format().key() + ": "
          + rootMessage(e));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * The data as read, every column as it is in the source (csv: with a header, types inferred from the
   * whole file; {@link #load} infers them from the first rows, see {@link CsvSchema}).
   */
  public static Dataset<Row> read(SparkSession spark, String path, DataFormat format) {
    return switch (format) {
      case CSV -> spark.read().option("header", true).option("inferSchema", true).csv(path);
      case PARQUET -> spark.read().parquet(path);
      case LIBSVM -> spark.read().format("libsvm").load(path);
    };
  }

  /**
   * Checks {@code raw} and assembles its features. With {@code cacheSource} (a text source: csv, libsvm)
   * the file is parsed once: the used columns are cached as the checks' aggregation first reads them, and
   * serve the checks, the levels and the fold assignment, which releases them once the folded rows are
   * cached ({@link LabeledData#release}); a failed check releases them at once.
   */
  private static LabeledData check(Dataset<Row> raw, DataSpec d, String foldColumn, String groupColumn,
      boolean classification, boolean cacheSource) {
    String where = d.path();
    if (raw.isEmpty()) throw new DataException(where + ": the data has no rows");
    StructType schema = raw.schema();
    Set<String> present = new LinkedHashSet<>(Arrays.asList(schema.fieldNames()));
    List<String> missing = new ArrayList<>();
    requireColumn(present, d.label(), "data.label", missing);
    if (d.weight() != null) requireColumn(present, d.weight(), "data.weight", missing);
    if (foldColumn != null) requireColumn(present, foldColumn, "cv.foldColumn", missing);
    if (groupColumn != null) requireColumn(present, groupColumn, "cv.groupColumn", missing);
    if (d.features() != null) d.features().forEach(c -> requireColumn(present, c, "data.features", missing));
    d.categorical().forEach(c -> requireColumn(present, c, "data.categorical", missing));
    if (!missing.isEmpty()) {
      throw new DataException(where + ": " + String.join("; ", missing) + " (columns: "
          + String.join(", ", present) + ")");
    }

    // Which columns are features, and is it one vector column?
    String vectorColumn = null;
    List<String> featureColumns = new ArrayList<>();
    if (d.features() == null) {
      for (StructField f : schema.fields()) {
        String n = f.name();
        if (n.equals(d.label()) || n.equals(d.weight()) || n.equals(foldColumn) || n.equals(groupColumn)) continue;
        if (f.dataType() instanceof NumericType || isText(f.dataType())) featureColumns.add(n);
      }
      if (featureColumns.isEmpty()) {
        throw new DataException(where + ": data.features is 'all' but no numeric, boolean or text column is left "
            + "besides the label, weight and fold columns");
      }
    } else if (d.features().size() == 1 && isVector(schema.apply(d.features().get(0)).dataType())) {
      vectorColumn = d.features().get(0);
      if (d.categorical().contains(vectorColumn)) {
        throw new DataException(where + ": data.categorical column '" + vectorColumn + "' is a vector column");
      }
    } else {
      featureColumns.addAll(d.features());
    }
    List<String> numeric = new ArrayList<>();
    List<FeaturePipeline.Input> inputs = new ArrayList<>();
    for (String c : featureColumns) {
      DataType t = schema.apply(c).dataType();
      boolean categorical = isText(t) || (t instanceof NumericType && d.categorical().contains(c));
      if (!categorical && !(t instanceof NumericType)) {
        throw new DataException(where + ": feature column '" + c + "' is not numeric, boolean or text ("
            + t.simpleString() + ")");
      }
      if (!categorical) numeric.add(c);
      inputs.add(new FeaturePipeline.Input(c, categorical ? List.of() : null));
    }
    requireNumeric(raw, d.label(), "label", where);
    if (d.weight() != null) requireNumeric(raw, d.weight(), "weight", where);
    if (foldColumn != null) requireNumeric(raw, foldColumn, "fold", where);

    List<String> scalarColumns = new ArrayList<>(numeric);
    scalarColumns.add(d.label());
    if (d.weight() != null) scalarColumns.add(d.weight());
    if (foldColumn != null) scalarColumns.add(foldColumn);
    // A text source is parsed once: its used columns are cached as the checks first read them.
    Dataset<Row> source = null;
    if (cacheSource) {
      Set<String> used = new LinkedHashSet<>(featureColumns);
      if (vectorColumn != null) used.add(vectorColumn);
      used.addAll(scalarColumns);
      if (groupColumn != null) used.add(groupColumn);
      raw = raw.select(used.stream().map(Columns::of).toArray(Column[]::new)).persist(StorageLevel.MEMORY_AND_DISK());
      source = raw;
    }
    try {
      Column checkedSize = vectorColumn == null ? null : SparseVectors.checkedSize(Columns.of(vectorColumn));

      // data.missing: drop — one pass counts the rows with a non-finite used numeric value; they go.
      long dropped = 0;
      if (d.missing() == MissingValues.DROP) {
        Column bad = checkedSize == null ? lit(false) : checkedSize.isNull().or(checkedSize.equalTo(-1));
        for (String c : scalarColumns) bad = bad.or(nonFinite(Columns.of(c)));
        Row counts = raw.agg(count(lit(1)), countWhere(bad)).first();
        dropped = counts.getLong(1);
        if (dropped == counts.getLong(0)) {
          throw new DataException(where + ": every row (" + rows(dropped) + ") has a null, NaN or infinite value in a "
              + "used numeric column, and data.missing is drop");
        }
        raw = raw.where(functions.not(bad));
      }

      // One aggregation: row count, non-finite counts per column, label and weight checks.
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)));
      for (String c : scalarColumns) aggs.add(countWhere(nonFinite(Columns.of(c))));
      if (checkedSize != null) {
        // Only a vector's stored values are read: a sparse row costs its non-zeros.
        Column finiteSize = when(checkedSize.geq(0), checkedSize);
        aggs.add(countWhere(checkedSize.isNull().or(checkedSize.equalTo(-1))));
        aggs.add(min(finiteSize));
        aggs.add(max(finiteSize));
      }
      Column label = Columns.of(d.label()).cast(DataTypes.DoubleType);
      aggs.add(countWhere(label.notEqual(floor(label)).or(label.lt(0))));
      aggs.add(min(label));
      aggs.add(max(label));
      Column weight = d.weight() == null ? lit(1.0) : Columns.of(d.weight()).cast(DataTypes.DoubleType);
      aggs.add(countWhere(weight.lt(0)));
      aggs.add(sum(weight));
      // Parses the group column too: a csv value that does not fit its sampled type fails here, not mid-sweep.
      if (groupColumn != null) aggs.add(count(Columns.of(groupColumn)));
      Row stats = raw.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();

      int i = 0;
      long rows = stats.getLong(i++);
      if (rows == 0) throw new DataException(where + ": the data has no rows");
      StringJoiner bad = new StringJoiner(", ");
      for (String c : scalarColumns) {
        long n = stats.getLong(i++);
        if (n > 0) bad.add("'" + c + "' (" + rows(n) + ")");
      }
      int vectorSize = 0;
      if (vectorColumn != null) {
        long n = stats.getLong(i++);
        if (n > 0) bad.add("'" + vectorColumn + "' (" + rows(n) + ")");
        int minSize = stats.isNullAt(i) ? 0 : stats.getInt(i);
        i++;
        vectorSize = stats.isNullAt(i) ? 0 : stats.getInt(i);
        i++;
        if (minSize != vectorSize) {
          throw new DataException(where + ": feature vectors in column '" + vectorColumn
              + "' differ in length (" + minSize + " to " + vectorSize + ")");
        }
      }
      if (bad.length() > 0) {
        throw new DataException(where + ": null, NaN or infinite values in column " + bad
            + " (data.missing: drop drops such rows)");
      }
      long nonClassLabels = stats.getLong(i++);
      double minLabel = stats.getDouble(i++);
      double maxLabel = stats.getDouble(i++);
      long negativeWeights = stats.getLong(i++);
      double weightSum = stats.getDouble(i);
      if (negativeWeights > 0) {
        throw new DataException(where + ": weight column '" + d.weight() + "' has " + rows(negativeWeights)
            + " with negative weights");
      }
      if (!(weightSum > 0)) {
        throw new DataException(where + ": weight column '" + d.weight() + "' sums to zero");
      }

      int numClasses = 0;
      if (classification) {
        numClasses = checkClasses(raw, d.label(), label, nonClassLabels, minLabel, maxLabel, where);
      }

      FeaturePipeline pipeline;
      List<String> names;
      if (vectorColumn != null) {
        pipeline = FeaturePipeline.vector(vectorColumn);
        names = vectorFeatureNames(schema.apply(vectorColumn), vectorSize);
      } else {
        inputs = Levels.find(raw, inputs, d.maxLevels(), where);
        pipeline = FeaturePipeline.of(raw, inputs);
        names = Levels.featureNames(inputs);
      }
      List<Column> out = new ArrayList<>(List.of(
          col(FeaturePipeline.FEATURES).as(LabeledData.FEATURES),
          label.as(LabeledData.LABEL),
          weight.as(LabeledData.WEIGHT)));
      if (foldColumn != null) out.add(Columns.of(foldColumn).cast(DataTypes.DoubleType).as(LabeledData.USER_FOLD));
      if (groupColumn != null) out.add(Columns.of(groupColumn).as(LabeledData.USER_GROUP));
      Dataset<Row> frame = pipeline.transform(raw).select(out.toArray(new Column[0]));
      return new LabeledData(frame, names, numClasses, rows, where, d.label(), pipeline, dropped, source);
    } catch (Exception e) {   // Spark's checked exceptions too (the rethrow is precise)
      if (source != null) source.unpersist();
      throw e;
    }
  }

  /** Labels must be the class indices 0..K−1, each present, 2 ≤ K ≤ 1000. */
  private static int checkClasses(Dataset<Row> raw, String labelName, Column label, long nonClassLabels,
      double minLabel, double maxLabel, String where) {
    String column = "label column '" + labelName + "'";
    if (nonClassLabels > 0) {
      Row example = raw.select(label).where(label.notEqual(floor(label)).or(label.lt(0))).first();
      throw new DataException(where + ": " + column + " has " + rows(nonClassLabels) + " whose value is not "
          + "a class index 0, 1, …, K−1 (e.g. " + example.get(0) + "); logistic needs 0/1 (binomial) or 0..K−1");
    }
    if (maxLabel + 1 > MAX_CLASSES) {
      throw new DataException(where + ": " + column + " has values up to " + maxLabel + "; at most "
          + MAX_CLASSES + " classes are supported");
    }
    int k = (int) maxLabel + 1;
    if (k < 2) {
      throw new DataException(where + ": " + column + " holds only the class " + (long) minLabel
          + "; classification needs at least two classes");
    }
    boolean[] seen = new boolean[k];
    for (Row r : raw.select(label).distinct().collectAsList()) seen[(int) r.getDouble(0)] = true;
    List<String> absent = new ArrayList<>();
    for (int c = 0; c < k; c++) if (!seen[c]) absent.add(String.valueOf(c));
    if (!absent.isEmpty()) {
      throw new DataException(where + ": " + column + " must hold the classes 0.." + (k - 1)
          + " but has no rows of class " + String.join(", ", absent)
          + (k == 2 ? "" : " (binomial labels must be 0 and 1)"));
    }
    return k;
  }

  private static List<String> vectorFeatureNames(StructField field, int numFeatures) {
    List<String> names = new ArrayList<>(numFeatures);
    AttributeGroup group = AttributeGroup.fromStructField(field);
    Attribute[] attrs = group.attributes().isDefined() ? group.attributes().get() : null;
    for (int j = 0; j < numFeatures; j++) {
      String name = attrs != null && j < attrs.length && attrs[j].name().isDefined() ? attrs[j].name().get() : null;
      names.add(name != null ? name : "x" + (j + 1));
    }
    return names;
  }

  private static void requireColumn(Set<String> present, String name, String key, List<String> missing) {
    if (!present.contains(name)) missing.add(key + " column '" + name + "' is not in the data");
  }

  private static void requireNumeric(Dataset<Row> raw, String name, String role, String where) {
    DataType t = raw.schema().apply(name).dataType();
    if (t instanceof NumericType) return;
    String example = "";
    if (t.equals(DataTypes.StringType)) {
      Column c = Columns.of(name);
      List<Row> r = raw.select(c).where(c.isNotNull().and(c.try_cast(DataTypes.DoubleType).isNull())).limit(1).collectAsList();
      if (!r.isEmpty()) example = ", e.g. '" + r.get(0).getString(0) + "'";
    }
    throw new DataException(where + ": " + role + " column '" + name + "' is not numeric (" + t.simpleString()
        + example + ")");
  }

  private static String rows(long n) {
    return n == 1 ? "1 row" : n + " rows";
  }

  /** Text and boolean columns are categorical. */
  private static boolean isText(DataType t) {
    return t.equals(DataTypes.StringType) || t.equals(DataTypes.BooleanType);
  }

  private static boolean isVector(DataType t) {
    return t.equals(SQLDataTypes.VectorType());
  }

  private static Column nonFinite(Column c) {
    Column d = c.cast(DataTypes.DoubleType);
    return c.isNull().or(d.isNaN()).or(abs(d).equalTo(Double.POSITIVE_INFINITY));
  }

  private static Column countWhere(Column condition) {
    return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }

  /** The innermost cause's first line: what went wrong, without the stack. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    // Spark's error class prefix ("[PATH_NOT_FOUND] ") and SQLSTATE suffix say nothing to a user.
    return m.lines().findFirst().orElse(m).trim()
        .replaceFirst("^\\[[A-Z_.]+\\] ", "").replaceFirst("\\s*SQLSTATE: \\w+$", "");
  }

}
