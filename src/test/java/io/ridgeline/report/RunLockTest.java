package io.ridgeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ridgeline.TestSpark;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The run lock and the shared directories under real concurrency, on Hadoop's local file system (whose
 * own {@code create(overwrite = false)}, {@code rename} and non-recursive {@code delete} are not
 * atomic): threads released together by a barrier, many rounds, so that an interleaving that lets two
 * holders in, or removes another run's lock with the shared {@code _locks/}, shows up.
 */
class RunLockTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 100;
  private static FileSystem fs;
  private static ExecutorService pool;

  @BeforeAll
  static void setUp() throws Exception {
    fs = FileSystem.getLocal(new Configuration());
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterAll
  static void tearDown() {
    pool.shutdownNow();
  }

  private static <T> List<T> all(List<Callable<T>> tasks) throws Exception {
    List<T> results = new ArrayList<>();
    for (Future<T> f : pool.invokeAll(tasks)) results.add(f.get());
    return results;
  }

  @Test
  void ofThreadsRacingForOneRunIdExactlyOneGetsTheLock() throws Exception {
    Path out = new Path(TestSpark.tempDir("lock-race").toString());
    for (int round = 0; round < ROUNDS; round++) {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<RunLock> held = new ArrayList<>();
      AtomicInteger refused = new AtomicInteger();
      List<Callable<Void>> racers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        racers.add(() -> {
          start.await();
          try {
            RunLock lock = RunLock.acquire(fs, out, "one", false);
            synchronized (held) {
              held.add(lock);
            }
          } catch (RunLock.HeldException e) {
            assertTrue(e.getMessage().startsWith("run id 'one' is locked by another run (pid "), e.getMessage());
            refused.incrementAndGet();
          }
          return null;
        });
      }
      all(racers);
      assertEquals(1, held.size(), "holders in round " + round);
      assertEquals(THREADS - 1, refused.get(), "refused in round " + round);
      held.get(0).close();
    }
    assertFalse(Files.exists(java.nio.file.Path.of(out.toUri().getPath(), "_locks")), "_locks/ removed when empty");
  }

  @Test
  void manyRunIdsLockingAndReleasingAtOnceNeverLoseALock() throws Exception {
    Path out = new Path(TestSpark.tempDir("lock-many").toString());
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<Integer>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String runId = "run-" + t;
      runs.add(() -> {
        start.await();
        int held = 0;
        for (int round = 0; round < ROUNDS; round++) {
          try (RunLock lock = RunLock.acquire(fs, out, runId, false)) {
            // Another run releasing its lock (and removing an empty _locks/) must not take this one.
            assertTrue(fs.exists(RunLock.path(out, runId)), runId + "'s lock vanished in round " + round);
            held++;
          }
        }
        return held;
      });
    }
    assertEquals(List.of(ROUNDS, ROUNDS, ROUNDS, ROUNDS, ROUNDS, ROUNDS, ROUNDS, ROUNDS), all(runs));
    assertFalse(fs.exists(new Path(out, "_locks")), "_locks/ removed once every run released");
  }

  @Test
  void aSharedDirectoryIsRemovedOnlyWhileEmpty() throws Exception {
    Path dir = new Path(TestSpark.tempDir("shared-dir").toString(), "_staging");
    Path mine = new Path(dir, "mine");
    AtomicPaths.mkdirs(fs, mine);
    AtomicPaths.removeIfEmpty(fs, dir);
    assertTrue(fs.exists(mine), "a non-empty directory stays, with what is in it");
    fs.delete(mine, true);
    AtomicPaths.removeIfEmpty(fs, dir);
    assertFalse(fs.exists(dir), "an empty one goes");
    AtomicPaths.removeIfEmpty(fs, dir);   // already gone: nothing to do, no error
  }
}
