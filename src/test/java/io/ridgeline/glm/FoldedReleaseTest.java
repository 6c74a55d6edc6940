package io.ridgeline.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
      checkRelease(folded, "ridgeline: row blocks",
          () -> new LogisticEngine(spec.model(), folded.source().numFeatures(), WideData.runner("release-logistic")));
    } finally {
      folded.release();
    }
  }

  @Test
  void inTaskEngineDropsTheFoldedCacheOnceItsSparseBlocksAreCached() throws Exception {
    WideData data = new WideData(spark, 100, 150, 150, 15, 3, true, 5, 0, 11);
    FoldedData folded = data.folded();
    try {
      checkRelease(folded, "ridgeline: sparse row blocks", () -> new WideEngine(WideData.spec(true, true, true), 150, 2,
          WideData.runner("release-in-task"), System.out::println, 1L << 24, 4096, true));
    } finally {
      folded.release();
    }
  }

  private static void checkRelease(FoldedData folded, String blocksName, Supplier<Engine> engine) {
    List<TrialResult> kept = engine.get().crossValidate(folded, GRID);
    assertTrue(cached(folded), "without the owner's leave the folded frame stays cached");

    List<String> seen = new ArrayList<>();
    List<TrialResult> released = engine.get().releasingFolded(() -> {
      seen.add(blocksCachedInFull(blocksName));
      folded.release();
    }).crossValidate(folded, GRID);
    assertEquals(List.of("cached in full"), seen, "released once, after the blocks were cached");
    assertTrue(!cached(folded), "the folded frame's cache was dropped");

    assertEquals(kept.size(), released.size());
    double worst = 0;
    for (int i = 0; i < kept.size(); i++) {
      assertEquals(kept.get(i).point(), released.get(i).point());
      assertEquals(kept.get(i).fold(), released.get(i).fold());
      assertEquals(kept.get(i).metrics().keySet(), released.get(i).metrics().keySet());
      for (var e : kept.get(i).metrics().entrySet()) {
        double other = released.get(i).metrics().get(e.getKey());
        worst = Math.max(worst, Math.abs(e.getValue() - other) / Math.max(1e-300, Math.abs(e.getValue())));
      }
    }
    System.out.printf("%s: largest relative metric difference with and without the release %.2e%n", blocksName, worst);
    assertTrue(worst <= TOLERANCE, "metrics differ by " + worst + " relative");
  }

  private static boolean cached(FoldedData folded) {
    return !folded.frame().storageLevel().equals(StorageLevel.NONE());
  }

  /** "cached in full" when an RDD of that name is persisted with every partition cached. */
  private static String blocksCachedInFull(String name) {
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.name().equals(name)) {
        return info.numCachedPartitions() == info.numPartitions() ? "cached in full"
            : info.numCachedPartitions() + " of " + info.numPartitions() + " partitions cached";
      }
    }
    return "no cached " + name;
  }
}
