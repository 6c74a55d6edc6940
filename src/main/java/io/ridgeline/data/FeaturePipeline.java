package io.ridgeline.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The feature stages, standard persistable Spark ML stages that turn a frame with the original columns
 * into one feature vector column {@link #FEATURES}; the cached training data is made by these stages
 * and the saved model is these stages followed by the fitted model, so training and scoring cannot
 * disagree.
 *
 * <ol>
 *   <li>an {@link SQLTransformer} keeping every input column and adding each used one under a safe
 *       internal name ({@code __rl_<i>}; the user's name backtick-quoted, so dots and spaces are
 *       fine): numeric ones cast to double, categorical ones cast to text with null as {@code (null)};
 *   <li>one {@link StringIndexerModel} over the categorical columns, its labels the levels in
 *       the order given, unseen levels kept: index L for a column of L levels, and its column metadata
 *       declares L + 1 values (the last {@code __unknown});
 *   <li>a {@link OneHotEncoder} with dropLast: the dropped last category is that unknown one, so every
 *       real level keeps its column (L columns) and an unseen level encodes as all zeros. It is fitted
 *       from the indexer's column metadata alone (no pass over the data). (Its own handleInvalid stays
 *       {@code error}: with {@code keep} it would add a slot past the L + 1 and drop that one instead,
 *       giving the unknown level a column of its own.)
 *   <li>a {@link VectorAssembler} into {@link #FEATURES}, columns in input order (a row with a null
 *       numeric value gets NaN there rather than failing: the loader's checks have refused or dropped
 *       such rows before training, so this only concerns scoring new data).
 * </ol>
 * A vector feature column just passes through the first stage.
 */
public final class FeaturePipeline {
  /** The assembled features column the model reads. */
  public static final String FEATURES = "__rl_features";
  /** The text of a null in a categorical column, which is a level of its own. */
  public static final String NULL_LEVEL = "(null)";

  /**
   * A used input column: numeric when {@code levels} is null, else categorical with these levels in
   * order (one feature each, named {@code column=level}).
   */
  public record Input(String column, List<String> levels) {
    public boolean categorical() {
      return levels != null;
    }
  }

  private final Transformer[] stages;

  private FeaturePipeline(Transformer[] stages) {
    this.stages = stages;
  }

  /** The stages for one vector column. */
  static FeaturePipeline vector(String column) {
    return new FeaturePipeline(new Transformer[] {
        sql("SELECT *, " + Columns.quoted(column) + " AS " + FEATURES + " FROM __THIS__")});
  }

  /** The first stage alone: every used column under its internal name, for finding the levels. */
  static SQLTransformer renaming(List<Input> inputs) {
    StringBuilder select = new StringBuilder("SELECT *");
    for (int i = 0; i < inputs.size(); i++) {
      String c = Columns.quoted(inputs.get(i).column());
      select.append(", ").append(inputs.get(i).categorical()
          ? "COALESCE(CAST(" + c + " AS STRING), '" + NULL_LEVEL + "')"
          : "CAST(" + c + " AS DOUBLE)").append(" AS ").append(internal(i));
    }
    return sql(select.append(" FROM __THIS__").toString());
  }

  /** The internal name of input {@code i}. */
  static String internal(int i) {
    return "__rl_" + i;
  }

  /**
   * The stages for scalar columns; {@code raw} is read for its schema only (the encoder's sizes come
   * from the indexer's metadata).
   */
  static FeaturePipeline of(Dataset<Row> raw, List<Input> inputs) {
    List<Transformer> out = new ArrayList<>();
    SQLTransformer rename = renaming(inputs);
    out.add(rename);
    List<String> assembled = new ArrayList<>();
    List<String> indexIn = new ArrayList<>();
    List<String> indexOut = new ArrayList<>();
    List<String> encoded = new ArrayList<>();
    List<String[]> labels = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      if (!in.categorical()) {
        assembled.add(internal(i));
        continue;
      }
      indexIn.add(internal(i));
      indexOut.add(internal(i) + "_index");
      encoded.add(internal(i) + "_onehot");
      labels.add(in.levels().toArray(new String[0]));
      assembled.add(internal(i) + "_onehot");
    }
    if (!labels.isEmpty()) {
      StringIndexerModel indexer = new StringIndexerModel(Identifiable.randomUID("strIdx"),
          labels.toArray(new String[0][]))
          .setInputCols(indexIn.toArray(new String[0]))
          .setOutputCols(indexOut.toArray(new String[0]))
          .setHandleInvalid("keep");
      Transformer encoder = new OneHotEncoder()
          .setInputCols(indexOut.toArray(new String[0]))
          .setOutputCols(encoded.toArray(new String[0]))
          .setDropLast(true)
          .fit(indexer.transform(rename.transform(raw)));
      out.add(indexer);
      out.add(encoder);
    }
    out.add(new VectorAssembler()
        .setInputCols(assembled.toArray(new String[0]))
        .setOutputCol(FEATURES)
        .setHandleInvalid("keep"));
    return new FeaturePipeline(out.toArray(new Transformer[0]));
  }

  /** Adds {@link #FEATURES} (and the internal columns) to a frame with the original columns. */
  public Dataset<Row> transform(Dataset<Row> raw) {
    Dataset<Row> frame = raw;
    for (Transformer t : stages) frame = t.transform(frame);
    return frame;
  }

  /**
   * The saved model: these stages, then a copy of {@code model} reading {@link #FEATURES}. Its
   * {@code transform} scores a frame with the original columns (the label and weight not needed).
   */
  public PipelineModel withModel(Transformer model) {
    Transformer scorer = model.copy(ParamMap.empty());
    scorer.set(scorer.getParam("featuresCol"), FEATURES);
    Transformer[] all = java.util.Arrays.copyOf(stages, stages.length + 1);
    all[stages.length] = scorer;
    return new PipelineModel(Identifiable.randomUID("ridgeline"), all);
  }

  private static SQLTransformer sql(String statement) {
    return new SQLTransformer().setStatement(statement);
  }
}
