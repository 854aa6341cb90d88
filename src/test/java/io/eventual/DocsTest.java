package io.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigMapping;

/** The documents say what the code does: the parts that would drift are compared with the code they describe. */
class DocsTest {

    static final Path README = Path.of("README.md");

    /** README's saga is the marked region of OrderSaga.java, character for character (bar indentation). */
    @Test
    void theReadmesSagaIsTheCodes() throws IOException {
        List<String> code = Files.readAllLines(Path.of("src/main/java/io/eventual/saga/OrderSaga.java"));
        List<String> region = between(code, "tag::flow[]", "end::flow[]");
        int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String fromCode = region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
        List<String> readme = between(Files.readAllLines(README), "<!-- saga:begin -->", "<!-- saga:end -->");
        assertThat(readme).as("README's saga is a java block").startsWith("```java").endsWith("```");
        assertThat(String.join("\n", readme.subList(1, readme.size() - 1))).as("README's saga (OrderSaga.java, tag::flow[])")
                .isEqualTo(fromCode);
    }

    /** README's example of a spec is taken from OrderSagaSpec, line for line. */
    @Test
    void theReadmesSpecIsTheCodes() throws IOException {
        String spec = Files.readString(Path.of("src/test/java/io/eventual/saga/OrderSagaSpec.java"));
        List<String> readme = between(Files.readAllLines(README), "<!-- spec:begin -->", "<!-- spec:end -->");
        for (String line : readme.subList(1, readme.size() - 1)) {
            assertThat(spec).as("OrderSagaSpec.java has README's line").contains(line.strip());
        }
    }

    /** docs/configuration.md lists every eventual.* key the configuration mappings declare, and no other. */
    @Test
    void theConfigurationTableIsTheMappings() throws Exception {
        Set<String> declared = new TreeSet<>();
        for (Class<?> mapping : mappings()) {
            keys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, declared);
        }
        Set<String> documented = new TreeSet<>();
        Matcher key = Pattern.compile("`(eventual\\.[a-zA-Z0-9.\"<>_-]+)`").matcher("");
        for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
            if (line.startsWith("| `eventual.")) {
                String firstCell = line.substring(1, line.indexOf('|', 1));
                key.reset(firstCell);
                while (key.find()) {
                    documented.add(key.group(1));
                }
            }
        }
        assertThat(documented).as("keys in docs/configuration.md").isEqualTo(declared);
    }

    /** The layout in docs/architecture.md names every package of the code, and every path it names exists. */
    @Test
    void theLayoutIsTheTree() throws IOException {
        List<String> layout = between(Files.readAllLines(Path.of("docs/architecture.md")), "```", "```");
        Set<String> listed = new TreeSet<>();
        boolean inPackages = false;
        for (String line : layout) {
            if (line.startsWith("src/main/java/io/eventual/")) {
                inPackages = true;
                continue;
            }
            if (!line.startsWith(" ")) {
                inPackages = false;
                String path = line.split("\\s+")[0].replaceAll("\\{.*", "").replaceAll(",$", "");
                assertThat(Path.of(path)).as("a path the layout names").exists();
            } else if (inPackages && line.startsWith("  ") && !line.startsWith("   ")) {
                Matcher name = Pattern.compile("([a-z]+)/").matcher(line.strip().split("\\s{2,}")[0]);
                while (name.find()) {
                    listed.add(name.group(1));
                }
            }
        }
        Set<String> packages;
        try (Stream<Path> entries = Files.list(Path.of("src/main/java/io/eventual"))) {
            packages = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(listed).as("packages in docs/architecture.md's layout").isEqualTo(packages);
    }

    private static List<String> between(List<String> lines, String start, String end) {
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (from < 0 && lines.get(i).contains(start)) {
                from = i;
            } else if (from >= 0 && lines.get(i).contains(end)) {
                return start.equals(end) ? lines.subList(from + 1, i) : lines.subList(from + 1, i);
            }
        }
        throw new AssertionError("no region between " + start + " and " + end);
    }

    /** Every @ConfigMapping interface of eventual's code. */
    private static List<Class<?>> mappings() throws Exception {
        List<Class<?>> found = new java.util.ArrayList<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes.resolve("io/eventual"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, DocsTest.class.getClassLoader());
                if (type.isAnnotationPresent(ConfigMapping.class)) {
                    found.add(type);
                }
            }
        }
        return found;
    }

    /** The keys of {@code mapping} under {@code prefix}: groups recursed into, maps as {@code ."<name>"}. */
    private static void keys(String prefix, Class<?> mapping, Set<String> keys) {
        for (Method method : mapping.getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            Type type = method.getGenericReturnType();
            if (type instanceof Class<?> group && group.isInterface() && group.getName().startsWith("io.eventual")) {
                keys(key, group, keys);
            } else if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == java.util.Map.class) {
                keys.add(key + ".\"<" + mapKeyName(method) + ">\"");
            } else {
                keys.add(key);
            }
        }
    }

    /** How docs/configuration.md names a map's key: what the key stands for. */
    private static String mapKeyName(Method method) {
        return switch (method.getName()) {
            case "timeouts" -> "step";
            case "creditLimits" -> "customerId";
            case "initialStock" -> "sku";
            default -> "name";
        };
    }

    private static String kebab(String name) {
        return Arrays.stream(name.split("(?=[A-Z])")).map(String::toLowerCase).collect(Collectors.joining("-"));
    }
}
