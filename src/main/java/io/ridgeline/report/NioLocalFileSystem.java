package io.ridgeline.report;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;
import org.apache.spark.sql.SparkSession;

/**
 * Hadoop's local file system ({@code file:}, checksummed as {@link LocalFileSystem}) with permissions set
 * through {@code java.nio} instead of a {@code chmod} process. Without Hadoop's native library, which
 * Spark's distribution and Maven's artifacts do not ship, {@link RawLocalFileSystem#setPermission} runs
 * {@code /bin/chmod} for every file and directory it creates: 128 processes for one sweep's report tables,
 * model and page, each a fork of the JVM. Where the native library is loaded, a permission has a sticky
 * bit (which {@code java.nio} cannot set) or the file system is not POSIX, Hadoop's own way runs.
 *
 * <p>Set for {@code file:} in local mode only ({@link #use}): there every task runs in the driver's JVM, which
 * has this class; a cluster's executors keep Hadoop's default.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  private static final String IMPL = "spark.hadoop.fs.file.impl";

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** Sets {@code fs.file.impl} to this class for a local-mode session, unless the launch chose one. */
  public static SparkSession.Builder use(SparkSession.Builder builder, String master) {
    boolean chosen = new org.apache.spark.SparkConf().contains(IMPL);
    return master.startsWith("local") && !chosen ? builder.config(IMPL, NioLocalFileSystem.class.getName()) : builder;
  }

  /** The raw file system under the checksums, where permissions are set. */
  static final class Raw extends RawLocalFileSystem {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (!POSIX || NativeIO.isAvailable() || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
      add(bits, permission.getUserAction(), OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
      add(bits, permission.getGroupAction(), GROUP_READ, GROUP_WRITE, GROUP_EXECUTE);
      add(bits, permission.getOtherAction(), OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE);
      Files.setPosixFilePermissions(pathToFile(p).toPath(), bits);
    }

    private static void add(Set<PosixFilePermission> bits, FsAction action, PosixFilePermission read,
        PosixFilePermission write, PosixFilePermission execute) {
      if (action.implies(FsAction.READ)) bits.add(read);
      if (action.implies(FsAction.WRITE)) bits.add(write);
      if (action.implies(FsAction.EXECUTE)) bits.add(execute);
    }
  }
}
