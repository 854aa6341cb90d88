package io.eventual.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The register of released flow versions (docs/flows.md): a version released once keeps its shape for as long as
 * sagas may be in flight on it, so the build fails when a recorded version is changed or removed without a
 * {@code retired} line. A new version is recorded with {@code -Dflows.write=true}, which never rewrites a line.
 */
class FlowVersionsTest {

    static final Path REGISTER = Path.of("src/test/resources/io/eventual/saga/released-flows.txt");

    @Test
    void everyReleasedVersionIsStillHereAndUnchanged() throws IOException {
        Map<Integer, String> released = new LinkedHashMap<>();
        Set<Integer> retired = new TreeSet<>();
        for (String line : Files.readAllLines(REGISTER)) {
            if (line.startsWith("retired " + OrderSaga.FLOWS.name() + " ")) {
                retired.add(Integer.parseInt(line.substring(("retired " + OrderSaga.FLOWS.name() + " ").length()).trim()));
            } else if (line.startsWith(OrderSaga.FLOWS.name() + " ")) {
                released.put(Integer.parseInt(line.split("[ :]")[1]), line);
            }
        }
        released.forEach((version, shape) -> {
            if (!retired.contains(version)) {
                assertThat(OrderSaga.FLOWS.of(version).map(SagaDefinition::shape))
                        .as("version %d of the %s flow was released and is not retired: orders in flight on it would be "
                                + "stranded or corrupted. Keep it as it was and add a new version instead; remove it only "
                                + "once no order is in flight on it (GET /admin/flows) and a line 'retired %s %d' is in %s",
                                version, OrderSaga.FLOWS.name(), OrderSaga.FLOWS.name(), version, REGISTER)
                        .contains(shape);
            }
        });
        List<String> unrecorded = OrderSaga.FLOWS.all().stream().filter(v -> !released.containsKey(v.version()))
                .map(SagaDefinition::shape).toList();
        if (Boolean.getBoolean("flows.write") && !unrecorded.isEmpty()) {
            Files.write(REGISTER, unrecorded, StandardOpenOption.APPEND);
            return;
        }
        assertThat(unrecorded).as("new flow versions, to record in %s (-Dflows.write=true)", REGISTER).isEmpty();
    }
}
