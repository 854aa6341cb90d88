package io.eventual.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the project's Node.js helpers (deploy/validation, the producer examples), installing a project's packages from
 * its lock file first when they are missing or older than the lock file.
 */
public final class Node {

    private Node() {
    }

    /** Runs a script of deploy/validation with {@code stdin}; the problems it prints, one per line. */
    public static List<String> validation(String script, String stdin) throws IOException, InterruptedException {
        String output = node(Path.of("deploy/validation"), stdin, Map.of(), script).output();
        return output.isBlank() ? List.of() : List.of(output.strip().split("\\R"));
    }

    public record Run(int exit, String output) {
    }

    /** Runs {@code node <arguments>} in {@code directory}, after {@code npm ci} there if needed. */
    public static Run node(Path directory, String stdin, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        Path installed = directory.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed)
                || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(directory.resolve("package-lock.json"))) < 0) {
            Run install = run(directory, null, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
            if (install.exit() != 0) {
                throw new AssertionError("npm ci in " + directory + " failed:\n" + install.output());
            }
        }
        String[] command = new String[arguments.length + 1];
        command[0] = "node";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return run(directory, stdin, environment, command);
    }

    /** Runs any {@code command} in {@code directory}; its exit code and output (stdout and stderr). */
    public static Run run(Path directory, String stdin, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " (Node.js) is needed by the tests: " + e.getMessage(), e);
        }
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }
}
