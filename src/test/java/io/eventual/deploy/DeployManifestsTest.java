package io.eventual.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.eventual.event.EventType;
import io.eventual.local.LocalInfrastructure;
import io.eventual.messaging.amqp.BrokerAccess;
import io.eventual.store.Recorder;
import io.eventual.testing.Node;

/**
 * deploy/ renders with kustomize, and what it renders agrees with the code and with what Kubernetes and KEDA would
 * enforce — checked offline, since no API server runs here.
 */
class DeployManifestsTest {

    /** Secrets and ConfigMaps the prod overlay expects to be created in the cluster, not rendered. */
    static final Set<String> PROD_SECRETS = Set.of("eventual-trigger", "eventual-saga", "eventual-payment",
            "eventual-inventory", "eventual-shipping", "eventual-migrate", "artemis-users",
            "artemis-operator", "artemis-cluster");
    static final Set<String> PROD_CONFIG_MAPS = Set.of("eventual-ca", "postgres-connection");
    static final ObjectMapper YAML = new YAMLMapper();

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyOverlayRendersAndKeepsTheRules(String overlay) throws Exception {
        List<JsonNode> documents = render(overlay);
        assertThat(documents).isNotEmpty();
        boolean prod = overlay.equals("prod");
        ManifestRules rules = new ManifestRules(documents, prod ? PROD_SECRETS : Set.of(), prod ? PROD_CONFIG_MAPS : Set.of());
        assertThat(rules.all()).isEmpty();
        if (prod) {
            assertThat(rules.productionIsEncrypted()).isEmpty();
        }
        assertThat(schemaProblems(documents)).isEmpty();
    }

    @Test
    void aDocumentThatBreaksItsSchemaIsCaught() throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        for (JsonNode d : render("dev")) {
            if (kind(d, "Deployment", "shipping")) {
                ((ObjectNode) d.at("/spec")).put("replicas", "two");
            }
            if (kind(d, "ScaledObject", "payment")) {
                ((ObjectNode) d.at("/spec")).remove("scaleTargetRef");
            }
            if (kind(d, "StatefulSet", "artemis")) {
                ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("imagePullPolicyy", "Always");
            }
            documents.add(d);
        }
        assertThat(schemaProblems(documents)).anyMatch(p -> p.startsWith("Deployment shipping"))
                .anyMatch(p -> p.startsWith("ScaledObject payment"))
                .contains("StatefulSet artemis: unknown field .spec.template.spec.containers[0].imagePullPolicyy");
    }

    /** Validates documents with kubernetes-models (deploy/validation, installed from its lock file on first use). */
    static List<String> schemaProblems(List<JsonNode> documents) throws IOException, InterruptedException {
        List<JsonNode> normalized = new ArrayList<>();
        for (JsonNode d : documents) {
            JsonNode copy = d.deepCopy();
            if (copy.path("kind").asText().equals("Secret") && copy.path("data") instanceof ObjectNode data) {
                // kustomize folds a file's base64 over several lines; the API server's decoder skips the line breaks.
                data.fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText().replaceAll("\\s", "")));
            }
            normalized.add(copy);
        }
        return Node.validation("validate.mjs", new ObjectMapper().writeValueAsString(normalized));
    }

    @Test
    void theBrokerConfigurationDeclaresExactlyTheCataloguesQueues() throws Exception {
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("deploy/base/artemis/broker.xml").toFile());
        Set<String> declared = new TreeSet<>();
        NodeList addresses = xml.getElementsByTagName("address");
        for (int i = 0; i < addresses.getLength(); i++) {
            Element address = (Element) addresses.item(i);
            NodeList queues = address.getElementsByTagName("queue");
            for (int j = 0; j < queues.getLength(); j++) {
                declared.add(address.getAttribute("name") + "::" + ((Element) queues.item(j)).getAttribute("name"));
            }
        }
        Set<String> expected = new TreeSet<>(Set.of("DLQ::DLQ", "ExpiryQueue::ExpiryQueue", Recorder.ADDRESS + "::" + Recorder.QUEUE));
        for (EventType type : EventType.values()) {
            type.consumers().forEach(function -> expected.add(type.fqqn(function)));
        }
        assertThat(declared).isEqualTo(expected);
        NodeList filters = xml.getElementsByTagName("filter");
        assertThat(filters.getLength()).as("queue filters").isEqualTo(1);
        assertThat(((Element) filters.item(0).getParentNode()).getAttribute("name")).isEqualTo(Recorder.QUEUE);
        assertThat(((Element) filters.item(0)).getAttribute("string")).isEqualTo(Recorder.FILTER);
    }

    /** The deployed broker's security settings are the catalogue's roles (BrokerAccess), as the embedded broker's are. */
    @Test
    void theBrokerSecuritySettingsAreTheCataloguesRoles() throws Exception {
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("deploy/base/artemis/broker.xml").toFile());
        StringBuilder declared = new StringBuilder();
        NodeList settings = xml.getElementsByTagName("security-setting");
        for (int i = 0; i < settings.getLength(); i++) {
            Element setting = (Element) settings.item(i);
            declared.append(setting.getAttribute("match")).append('\n');
            NodeList permissions = setting.getElementsByTagName("permission");
            for (int j = 0; j < permissions.getLength(); j++) {
                Element permission = (Element) permissions.item(j);
                declared.append("  ").append(permission.getAttribute("type")).append(": ")
                        .append(new TreeSet<>(List.of(permission.getAttribute("roles").split(",")))).append('\n');
            }
        }
        StringBuilder expected = new StringBuilder();
        StringBuilder snippet = new StringBuilder();
        for (BrokerAccess.Rule rule : BrokerAccess.rules(BrokerAccess.defaultInbound())) {
            expected.append(rule.match()).append('\n');
            snippet.append("      <security-setting match=\"").append(rule.match()).append("\">\n");
            rule.roles().forEach((permission, roles) -> {
                expected.append("  ").append(permission.xmlName()).append(": ").append(roles).append('\n');
                snippet.append("        <permission type=\"").append(permission.xmlName()).append("\" roles=\"")
                        .append(String.join(",", roles)).append("\"/>\n");
            });
            snippet.append("      </security-setting>\n");
        }
        assertThat(declared.toString()).as("deploy/base/artemis/broker.xml <security-settings> must be:%n%s", snippet)
                .isEqualTo(expected.toString());
    }

    /** The deployed broker's address settings are the embedded broker's (BrokerSettings): both bound redeliveries. */
    @Test
    void theBrokerAddressSettingsAreTheEmbeddedBrokers() throws Exception {
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("deploy/base/artemis/broker.xml").toFile());
        NodeList settings = xml.getElementsByTagName("address-setting");
        assertThat(settings.getLength()).as("address settings in broker.xml").isEqualTo(1);
        Element every = (Element) settings.item(0);
        java.util.Map<String, String> declared = new java.util.LinkedHashMap<>();
        declared.put("match", every.getAttribute("match"));
        NodeList children = every.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element element) {
                declared.put(element.getTagName(), element.getTextContent().trim());
            }
        }
        java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("match", "#");
        expected.putAll(io.eventual.messaging.amqp.BrokerSettings.everyAddress());
        assertThat(declared).as("deploy/base/artemis/broker.xml <address-settings> must be:%n%s",
                io.eventual.messaging.amqp.BrokerSettings.xml()).containsExactlyEntriesOf(expected);
    }

    /**
     * The deployed broker's accounts have the roles the tests' accounts have (LocalInfrastructure), and in the dev
     * overlay every workload's broker password is the broker's.
     */
    @Test
    void theBrokerAccountsAreTheTestedOnes() throws Exception {
        java.util.Properties roles = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("deploy/base/artemis/artemis-roles.properties"))) {
            roles.load(in);
        }
        java.util.Map<String, Set<String>> deployed = new java.util.TreeMap<>();
        roles.forEach((role, users) -> deployed.put((String) role, new TreeSet<>(List.of(((String) users).split(",")))));
        java.util.Map<String, Set<String>> tested = new java.util.TreeMap<>();
        LocalInfrastructure.ACCOUNTS.forEach((user, granted) -> {
            if (!user.equals("eventual")) { // the dev-mode account that runs every function in one process
                granted.forEach(role -> tested.computeIfAbsent(role, r -> new TreeSet<>()).add(user));
            }
        });
        tested.put("amq", new TreeSet<>(Set.of(BrokerAccess.OPERATOR))); // the console's and KEDA's management role
        assertThat(deployed).isEqualTo(tested);

        java.util.Properties users = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("deploy/overlays/dev/artemis-users.properties"))) {
            users.load(in);
        }
        for (JsonNode secret : render("dev")) {
            if (secret.path("kind").asText().equals("Secret") && secret.at("/data/EVENTUAL_BROKER_USERNAME").isTextual()) {
                String user = decode(secret.at("/data/EVENTUAL_BROKER_USERNAME"));
                assertThat(users.getProperty(user)).as("the broker's password of " + user)
                        .isEqualTo(decode(secret.at("/data/EVENTUAL_BROKER_PASSWORD")));
            }
        }
    }

    private static String decode(JsonNode base64) {
        return new String(java.util.Base64.getMimeDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    @Test
    void theTriggerAuthenticationFollowsTheGeneratedSecretName() throws Exception {
        List<JsonNode> dev = render("dev");
        String secret = dev.stream().filter(d -> d.path("kind").asText().equals("Secret"))
                .map(d -> d.at("/metadata/name").asText()).filter(n -> n.startsWith("artemis-operator-")).findFirst().orElseThrow();
        JsonNode auth = dev.stream().filter(d -> d.path("kind").asText().equals("TriggerAuthentication")).findFirst().orElseThrow();
        assertThat(auth.at("/spec/secretTargetRef/0/name").asText()).isEqualTo(secret);
    }

    /** Each rule fails on a manifest broken the way it guards against. */
    @Test
    void brokenManifestsAreCaught() throws Exception {
        assertThat(broken(d -> kind(d, "Deployment", "payment") ? remove(d, "/spec/template/spec/containers/0", "readinessProbe") : d)
                .containersAreHardened()).anyMatch(p -> p.contains("payment/function: readiness and liveness probes"));
        assertThat(broken(d -> kind(d, "StatefulSet", "postgres") ? remove(d, "/spec/template/spec/containers/0/securityContext",
                "readOnlyRootFilesystem") : d).containersAreHardened()).anyMatch(p -> p.contains("read-only root filesystem"));
        assertThat(
                broken(d -> kind(d, "Deployment", "payment") ? set(d, "/spec/template/spec/containers/0", "image", "eventual:latest") : d)
                        .containersAreHardened())
                .anyMatch(p -> p.contains("is not pinned"));
        assertThat(
                broken(d -> kind(d, "StatefulSet", "postgres") ? set(d, "/spec/selector/matchLabels", "app.kubernetes.io/name", "pg") : d)
                        .selectorsMatchPodLabels())
                .anyMatch(p -> p.contains("postgres: selector"));
        assertThat(
                broken(d -> d.path("kind").asText().equals("Secret") && d.at("/metadata/name").asText().startsWith("postgres-credentials")
                        ? null : d)
                        .referencedSecretsAndConfigMapsExist())
                .anyMatch(p -> p.contains("Secret postgres-credentials"));
        assertThat(broken(d -> kind(d, "ScaledObject", "payment") ? remove(d, "/spec/triggers", "1") : d)
                .scaledObjectsMatchTheCatalogue()).anyMatch(p -> p.startsWith("payment: scales on"));
        assertThat(broken(d -> kind(d, "HorizontalPodAutoscaler", "trigger") ? set(d, "/spec/scaleTargetRef", "name", "shipping") : d)
                .scaledObjectsMatchTheCatalogue()).anyMatch(p -> p.contains("an HPA also scales shipping"));
        assertThat(broken(d -> kind(d, "ScaledObject", "shipping") ? remove(d, "/spec/triggers/0/metadata", "restApiTemplate") : d)
                .scaledObjectsMatchTheCatalogue()).anyMatch(p -> p.contains("must read a multicast queue"));
        assertThat(broken(d -> kind(d, "Deployment", "saga") ? remove(d, "/spec/template/metadata/annotations", "prometheus.io/scrape") : d)
                .functionsAreScraped()).anyMatch(p -> p.contains("saga: pods not annotated for Prometheus"));
        assertThat(broken(d -> kind(d, "ScaledObject", "inventory") ? null : d)
                .scaledObjectsMatchTheCatalogue()).contains("inventory: 0 ScaledObjects, expected 1");
        assertThat(broken(d -> kind(d, "Deployment", "payment") ? set(d, "/spec/template/spec/containers/0/envFrom/1/secretRef",
                "name", "eventual-saga") : d).eachWorkloadUsesOnlyItsOwnSecret())
                .contains("Deployment payment: uses the Secret eventual-saga; it may use only eventual-payment");
        assertThat(broken(d -> {
            if (kind(d, "Deployment", "saga")) {
                ((ArrayNode) d.at("/spec/template/spec/containers/0/env")).addObject()
                        .put("name", "EVENTUAL_BROKER_PASSWORD").put("value", "hunter2");
            }
            return d;
        }).noCredentialIsALiteral()).contains("Deployment saga: EVENTUAL_BROKER_PASSWORD is a literal; take it from a Secret");
    }

    /** Production refuses plain connections: each way of switching TLS off is caught. */
    @Test
    void productionWithoutTlsIsCaught() throws Exception {
        List<JsonNode> prod = render("prod");
        List<JsonNode> plain = new ArrayList<>();
        for (JsonNode d : prod) {
            JsonNode copy = d.deepCopy();
            String name = copy.at("/metadata/name").asText();
            if (copy.path("kind").asText().equals("ConfigMap") && name.startsWith("eventual-config")) {
                ((ObjectNode) copy.path("data")).put("EVENTUAL_BROKER_TLS_ENABLED", "false");
            }
            if (copy.path("kind").asText().equals("ConfigMap") && name.startsWith("artemis-broker")) {
                ((ObjectNode) copy.path("data")).put("acceptors.xml",
                        "<acceptors><acceptor name=\"amqp\">tcp://0.0.0.0:5672?protocols=AMQP</acceptor></acceptors>");
            }
            plain.add(copy);
        }
        plain.add(YAML.readTree("{kind: Secret, metadata: {name: eventual-payment}, stringData: {QUARKUS_DATASOURCE_PASSWORD: x}}"));
        assertThat(new ManifestRules(plain, PROD_SECRETS, PROD_CONFIG_MAPS).productionIsEncrypted())
                .contains("eventual-config: EVENTUAL_BROKER_TLS_ENABLED must be true",
                        "artemis-broker: acceptor without TLS: tcp://0.0.0.0:5672?protocols=AMQP",
                        "Secret eventual-payment: production Secrets are created in the cluster, not committed");
    }

    private static ManifestRules broken(java.util.function.UnaryOperator<JsonNode> change) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        for (JsonNode d : render("dev")) {
            JsonNode changed = change.apply(d.deepCopy());
            if (changed != null) {
                documents.add(changed);
            }
        }
        return new ManifestRules(documents, Set.of(), Set.of());
    }

    private static boolean kind(JsonNode d, String kind, String name) {
        return d.path("kind").asText().equals(kind) && d.at("/metadata/name").asText().equals(name);
    }

    private static JsonNode remove(JsonNode d, String path, String field) {
        JsonNode parent = d.at(path);
        if (parent instanceof ArrayNode array) {
            array.remove(Integer.parseInt(field));
        } else {
            ((ObjectNode) parent).remove(field);
        }
        return d;
    }

    private static JsonNode set(JsonNode d, String path, String field, String value) {
        ((ObjectNode) d.at(path)).put(field, value);
        return d;
    }

    /** kubectl kustomize deploy/overlays/{overlay}, as documents. */
    static List<JsonNode> render(String overlay) throws IOException, InterruptedException {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", "deploy/overlays/" + overlay).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is needed to render deploy/ (it includes kustomize): " + e.getMessage(), e);
        }
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as("kubectl kustomize deploy/overlays/%s:%n%s", overlay, output).isZero();
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(output)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }
}
