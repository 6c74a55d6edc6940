package io.ridgeline.report;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The file operations that runs sharing one output must not race on: creating a file only if it does
 * not exist, creating a directory whose parent another run may be removing, and removing a shared
 * directory only while it is empty.
 *
 * <p>Hadoop's local file system does none of these atomically (RawLocalFileSystem, Hadoop 3.4):
 * {@code create(f, overwrite = false)} tests {@code exists(f)} and then opens the file, truncating
 * whatever a concurrent creator wrote; {@code rename} is {@code File.renameTo}, i.e. rename(2), which
 * replaces an existing target; {@code delete(dir, recursive = false)} lists the directory and then
 * deletes it <em>recursively</em>, so a file created in between is deleted with it. On local paths
 * these operations therefore go through java.nio: {@code Files.createLink} (link(2), atomic, fails
 * when the name exists) and {@code Files.delete} (rmdir(2), fails unless empty). On other file
 * systems they use what the Hadoop file system specification makes atomic: {@code rename} of a file
 * onto an existing path fails (HDFS: one NameNode operation), and {@code delete(dir, false)} of a
 * non-empty directory fails (HDFS: PathIsNotEmptyDirectoryException). Object stores give neither
 * guarantee; a lock there is as strong as the store's rename.
 */
final class AtomicPaths {
  /** How often a directory is re-created when a concurrent run removed its parent meanwhile. */
  private static final int ATTEMPTS = 20;

  private AtomicPaths() {}

  /**
   * Creates {@code target} holding {@code content} if no file or directory has that name: written to
   * a unique temporary name beside it, then linked (local) or renamed (elsewhere) to the name, so the
   * file appears whole and exactly one of any number of concurrent creators succeeds.
   *
   * @return false if {@code target} exists
   */
  static boolean createExclusive(FileSystem fs, Path target, byte[] content) throws IOException {
    Path dir = target.getParent();
    for (int attempt = 1; ; attempt++) {
      mkdirs(fs, dir);
      Path tmp = new Path(dir, "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
      try {
        return isLocal(fs) ? linkLocal(fs, tmp, target, content) : renameHadoop(fs, tmp, target, content);
      } catch (NoSuchFileException | java.io.FileNotFoundException parentRemoved) {
        if (attempt == ATTEMPTS) throw parentRemoved;   // a concurrent run removed the (empty) directory
      }
    }
  }

  private static boolean linkLocal(FileSystem fs, Path tmp, Path target, byte[] content) throws IOException {
    java.nio.file.Path t = local(fs, tmp);
    Files.write(t, content, java.nio.file.StandardOpenOption.CREATE_NEW);
    try {
      Files.createLink(local(fs, target), t);
      return true;
    } catch (FileAlreadyExistsException held) {
      return false;
    } finally {
      Files.deleteIfExists(t);
    }
  }

  private static boolean renameHadoop(FileSystem fs, Path tmp, Path target, byte[] content) throws IOException {
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    try {
      return fs.rename(tmp, target);
    } finally {
      fs.delete(tmp, false);
    }
  }

  /**
   * Creates {@code dir} and its parents; retried when a concurrent run removes an (empty) directory on
   * the way while Hadoop creates it (its mkdirs then returns false, fails setting the permission of a
   * directory that is gone, or — the local file system reads "exists" and then "is a directory" — calls
   * a directory removed between the two a file). A file where a directory should be is an error at once.
   */
  static void mkdirs(FileSystem fs, Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        if (fs.mkdirs(dir)) return;   // true also when it already is a directory
        if (attempt == ATTEMPTS) throw new IOException("cannot create " + dir);
      } catch (ParentNotDirectoryException | org.apache.hadoop.fs.FileAlreadyExistsException notADirectory) {
        if (attempt == ATTEMPTS || fileOnTheWay(fs, dir)) throw notADirectory;
      } catch (IOException raced) {
        if (attempt == ATTEMPTS) throw raced;
      }
    }
  }

  /** Whether the nearest existing one of {@code dir} and its parents is a file. */
  private static boolean fileOnTheWay(FileSystem fs, Path dir) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      try {
        return fs.getFileStatus(p).isFile();
      } catch (java.io.FileNotFoundException gone) {
        // not there (any more): look at its parent
      }
    }
    return false;
  }

  /** Removes {@code dir} if it is empty, never what another run is creating in it meanwhile. */
  static void removeIfEmpty(FileSystem fs, Path dir) {
    try {
      if (isLocal(fs)) Files.delete(local(fs, dir));
      else fs.delete(dir, false);
    } catch (DirectoryNotEmptyException | NoSuchFileException inUse) {
      // another run's file is in it, or another run removed it first
    } catch (IOException notEmpty) {
      // non-local file systems refuse a non-empty directory with an IOException
    }
  }

  private static boolean isLocal(FileSystem fs) {
    return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
  }

  private static java.nio.file.Path local(FileSystem fs, Path p) {
    return new File(fs.makeQualified(p).toUri()).toPath();
  }
}
