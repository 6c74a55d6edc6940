package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import io.ridgeline.config.SweepSpec;
import io.ridgeline.cv.FoldPlan;
import io.ridgeline.cv.FoldedData;
import io.ridgeline.data.DatasetLoader;
import io.ridgeline.sweep.Engine;
import io.ridgeline.sweep.GridPoint;
import io.ridgeline.sweep.TrialResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.SparkEnv;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The engines that copy the folded rows into their own cached blocks (logistic-dense, the wide and
 * in-task engines) drop the folded frame's cache once that copy is cached, when the folds' owner allows
 * it ({@link Engine#releasingFolded}), so the executors hold the rows once. The release comes after the
 * blocks are cached (the callback sees them cached in full), it changes no result (every trial's metrics
 * agree with and without it up to the order of the passes' sums), and without the owner's leave the
 * frame stays cached.
 */
@Tag("slow")
class FoldedReleaseTest {
  private static final SparkSession spark = TestSpark.session();
  /**
   * A pass sums the partitions' parts in the order their tasks finish, so two runs of the same sweep
   * differ in the last bits: measured 4.2e−15 relative at most over every trial and metric (logistic
   * engine; 0 for the in-task one, whose training sets are each summed in one task).
   */
  private static final double TOLERANCE = 4e-14;
  private static final List<GridPoint> GRID = List.of(new GridPoint(0, 0.5, 0.05), new GridPoint(1, 0.5, 0.005),
      new GridPoint(2, 1.0, 0.02), new GridPoint(3, 1.0, 0.002));

  @Test
  void logisticEngineDropsTheFoldedCacheOnceItsRowBlocksAreCached() throws Exception {
    SweepSpec spec = Samples.spec(Samples.BREAST_CANCER);
    FoldedData folded = FoldPlan.assign(spark, DatasetLoader.load(spark, spec), spec.cv(), 0);
    try {
      Release r = release(folded, "ridgeline: row blocks",
          () -> new LogisticEngine(spec.model(), folded.source().numFeatures(), WideData.runner("release-logistic")));
      assertTrue(r.keptCached(), "without the owner's leave the folded frame stays cached");
      assertEquals(List.of("cached in full"), r.seen(), "released once, after the blocks were cached");
      assertFalse(r.releasedCached(), "the folded frame's cache was dropped");
      assertEquals("", r.misaligned(), "the same trials in the same order");
      assertTrue(r.worst() <= TOLERANCE, "metrics differ by " + r.worst() + " relative");
    } finally {
      folded.release();
    }
  }

  @Test
  void inTaskEngineDropsTheFoldedCacheOnceItsSparseBlocksAreCached() throws Exception {
    WideData data = new WideData(spark, 100, 150, 150, 15, 3, true, 5, 0, 11);
    FoldedData folded = data.folded();
    try {
      Release r = release(folded, "ridgeline: sparse row blocks", () -> new WideEngine(WideData.spec(true, true, true),
          150, 2, WideData.runner("release-in-task"), System.out::println, 1L << 24, 4096, true));
      assertTrue(r.keptCached(), "without the owner's leave the folded frame stays cached");
      assertEquals(List.of("cached in full"), r.seen(), "released once, after the blocks were cached");
      assertFalse(r.releasedCached(), "the folded frame's cache was dropped");
      assertEquals("", r.misaligned(), "the same trials in the same order");
      assertTrue(r.worst() <= TOLERANCE, "metrics differ by " + r.worst() + " relative");
    } finally {
      folded.release();
    }
  }

  /**
   * A cross-validation without the release, then one with it: whether the frame was cached after each,
   * what the release callback saw of the blocks, the trials that differ in point, fold or metrics kept
   * (empty: none), and the largest relative difference of a metric.
   */
  private record Release(boolean keptCached, List<String> seen, boolean releasedCached, String misaligned,
      double worst) {}

  private static Release release(FoldedData folded, String blocksName, Supplier<Engine> engine) {
    List<TrialResult> kept = engine.get().crossValidate(folded, GRID);
    boolean keptCached = cached(folded);
    List<String> seen = new ArrayList<>();
    List<TrialResult> released = engine.get().releasingFolded(() -> {
      seen.add(blocksCachedInFull(blocksName));
      folded.release();
    }).crossValidate(folded, GRID);
    StringBuilder misaligned = new StringBuilder(kept.size() == released.size() ? "" : "trial counts differ; ");
    double worst = 0;
    for (int i = 0; i < Math.min(kept.size(), released.size()); i++) {
      TrialResult a = kept.get(i);
      TrialResult b = released.get(i);
      if (!a.point().equals(b.point()) || a.fold() != b.fold() || !a.metrics().keySet().equals(b.metrics().keySet())) {
        misaligned.append("trial ").append(i).append("; ");
        continue;
      }
      for (var e : a.metrics().entrySet()) {
        double other = b.metrics().get(e.getKey());
        worst = Math.max(worst, Math.abs(e.getValue() - other) / Math.max(1e-300, Math.abs(e.getValue())));
      }
    }
    System.out.printf("%s: largest relative metric difference with and without the release %.2e%n", blocksName, worst);
    return new Release(keptCached, seen, cached(folded), misaligned.toString(), worst);
  }

  private static boolean cached(FoldedData folded) {
    return !folded.frame().storageLevel().equals(StorageLevel.NONE());
  }

  /**
   * "cached in full" when an RDD of that name is persisted with every partition's block held by some
   * executor. It asks the block manager master, which every executor tells of a stored block before its
   * task ends, not {@code getRDDStorageInfo}: that one reads the UI's status store, which the listener
   * bus fills asynchronously, so right after a job it can still count fewer partitions (seen once in CI:
   * "1 of 2 partitions cached").
   */
  private static String blocksCachedInFull(String name) {
    for (RDD<?> rdd : CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs().values())) {
      if (name.equals(rdd.name())) {
        BlockManagerMaster master = SparkEnv.get().blockManager().master();
        int partitions = rdd.getNumPartitions();
        int cached = 0;
        for (int i = 0; i < partitions; i++) {
          if (master.contains(new RDDBlockId(rdd.id(), i))) cached++;
        }
        return cached == partitions ? "cached in full" : cached + " of " + partitions + " partitions cached";
      }
    }
    return "no cached " + name;
  }
}
