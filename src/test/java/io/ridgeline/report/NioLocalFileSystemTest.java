package io.ridgeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ridgeline.TestSpark;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;

class NioLocalFileSystemTest {
  /**
   * Directories and files created with a permission, and permissions changed afterwards, end with the same
   * bits as through Hadoop's own LocalFileSystem (which runs chmod), read back by java.nio.
   */
  @Test
  void setsThePermissionsHadoopsLocalFileSystemSets() throws IOException {
    java.nio.file.Path root = TestSpark.tempDir("nio-fs");
    for (String mode : new String[] {"750", "700", "755", "644", "640", "600"}) {
      FsPermission permission = new FsPermission(mode);
      String[] got = new String[2];
      FileSystem[] both = {open(new NioLocalFileSystem()), open(new LocalFileSystem())};
      for (int i = 0; i < 2; i++) {
        Path dir = new Path(root.toString(), "d" + i + "-" + mode);
        FileSystem fs = both[i];
        fs.mkdirs(dir, permission);
        Path file = new Path(dir, "f");
        fs.create(file, permission, false, 4096, (short) 1, 1 << 20, null).close();
        Path later = new Path(dir, "g");
        fs.create(later).close();
        fs.setPermission(later, permission);
        got[i] = bits(dir) + " " + bits(file) + " " + bits(later);
      }
      String want = PosixFilePermissions.toString(PosixFilePermissions.fromString(permission.toString()));
      assertEquals(got[1], got[0], "mode " + mode + ": as Hadoop's LocalFileSystem sets it");
      assertEquals(want + " " + want + " " + want, got[0], "mode " + mode);
    }
  }

  /**
   * A sticky bit, which java.nio cannot set, goes Hadoop's own way: the directory ends with mode 1777
   * (read by {@code stat}). Set by setPermission: Hadoop's own mkdirs drops it too.
   */
  @Test
  void aStickyBitIsSetByHadoopsOwnWay() throws IOException, InterruptedException {
    Path dir = new Path(TestSpark.tempDir("nio-fs-sticky").toString(), "shared");
    FileSystem fs = open(new NioLocalFileSystem());
    fs.mkdirs(dir);
    fs.setPermission(dir, new FsPermission("1777"));
    Process stat = new ProcessBuilder("stat", "-c", "%a", dir.toUri().getPath()).start();
    String mode = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, stat.waitFor());
    assertEquals("1777", mode);
  }

  /**
   * The tests' local session is configured with it for file: paths, as the command-line sessions in local
   * mode are (a new instance: the cached one is whichever some earlier test of this JVM made first).
   */
  @Test
  void theLocalSessionIsConfiguredWithIt() throws IOException {
    Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertInstanceOf(NioLocalFileSystem.class, fs);
    }
  }

  private static FileSystem open(FileSystem fs) throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.permissions.umask-mode", "000");   // the modes as given, on both file systems
    fs.initialize(URI.create("file:///"), conf);
    return fs;
  }

  private static String bits(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(p.toUri().getPath())));
  }
}
