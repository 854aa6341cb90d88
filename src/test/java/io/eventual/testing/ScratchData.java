package io.eventual.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The embedded broker's and database's data of a test or benchmark run (in a fresh temporary directory), deleted once
 * they have stopped: a benchmark setup leaves 1–1.7 GB there and a test run 70 MB, which filled the disk of a machine
 * that ran them for a few days. The application processes' logs beside them stay.
 */
public final class ScratchData {

    private ScratchData() {
    }

    /** Deletes what the broker and database wrote under {@code directory}, and the directory if nothing else is left. */
    public static void delete(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        deleteTree(directory.resolve("broker"));
        deleteTree(directory.resolve("postgres"));
        try (Stream<Path> left = Files.list(directory)) {
            if (left.findAny().isEmpty()) {
                Files.delete(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
