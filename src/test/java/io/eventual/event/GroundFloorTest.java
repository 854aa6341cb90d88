package io.eventual.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The event catalogue is the ground floor: the functions, the messaging room and the store build on it, so nothing in
 * {@code io.eventual.event} may name a class of the rooms above it.
 */
class GroundFloorTest {

    private static final Path EVENT = Path.of("src/main/java/io/eventual/event");
    private static final Pattern ABOVE = Pattern.compile("\\bio\\.eventual\\.(?!event\\b)\\w+");

    @Test
    void theCatalogueNamesNothingAboveIt() throws IOException {
        List<String> found;
        try (Stream<Path> sources = Files.walk(EVENT)) {
            found = sources.filter(p -> p.toString().endsWith(".java")).flatMap(GroundFloorTest::above).toList();
        }
        assertThat(found).isEmpty();
    }

    @Test
    void theCheckSeesANameFromAbove() {
        assertThat(ABOVE.matcher("import io.eventual.saga.OrderSaga;").find()).isTrue();
        assertThat(ABOVE.matcher("import io.eventual.event.order.OrderPlaced;").find()).isFalse();
    }

    private static Stream<String> above(Path source) {
        try {
            Matcher m = ABOVE.matcher(Files.readString(source));
            Stream.Builder<String> names = Stream.builder();
            while (m.find()) {
                names.add(EVENT.relativize(source) + ": " + m.group());
            }
            return names.build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
