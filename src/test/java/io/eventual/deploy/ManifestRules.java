package io.eventual.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventual.event.EventType;

/**
 * What the API server and KEDA would enforce when the rendered manifests are applied, checked offline: each rule
 * returns the problems it finds (empty when the manifests are right).
 */
final class ManifestRules {

    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|CREDENTIAL).*");

    private final List<JsonNode> documents;
    private final Set<String> externalSecrets;
    private final Set<String> externalConfigMaps;

    ManifestRules(List<JsonNode> documents, Set<String> externalSecrets, Set<String> externalConfigMaps) {
        this.documents = documents;
        this.externalSecrets = externalSecrets;
        this.externalConfigMaps = externalConfigMaps;
    }

    /** The rules every overlay keeps; production keeps {@link #productionIsEncrypted()} too. */
    List<String> all() {
        List<String> problems = new ArrayList<>();
        problems.addAll(selectorsMatchPodLabels());
        problems.addAll(referencedSecretsAndConfigMapsExist());
        problems.addAll(scaledObjectsMatchTheCatalogue());
        problems.addAll(containersAreHardened());
        problems.addAll(functionsAreScraped());
        problems.addAll(eachWorkloadUsesOnlyItsOwnSecret());
        problems.addAll(noCredentialIsALiteral());
        return problems;
    }

    /**
     * A function's pods (and the migration Job's) read only their own Secret, eventual-&lt;name&gt;: a compromised
     * payment pod must not hold the saga's accounts.
     */
    List<String> eachWorkloadUsesOnlyItsOwnSecret() {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : kinds("Deployment", "Job")) {
            String component = workload.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText();
            if (!component.equals("function") && !component.equals("migration")) {
                continue;
            }
            String name = workload.at("/metadata/name").asText();
            String own = name.startsWith("eventual-") ? name : "eventual-" + name;
            for (String secret : secretsOf(workload)) {
                if (!secret.equals(own) && !secret.startsWith(own + "-")) {
                    problems.add(name(workload) + ": uses the Secret " + secret + "; it may use only " + own);
                }
            }
        }
        return problems;
    }

    /** Credentials come from Secrets: no env var that holds one has a literal value, in any workload. */
    List<String> noCredentialIsALiteral() {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : kinds("Deployment", "StatefulSet", "Job")) {
            for (JsonNode container : workload.at("/spec/template/spec/containers")) {
                for (JsonNode env : container.path("env")) {
                    if (CREDENTIAL.matcher(env.path("name").asText()).matches() && env.has("value")) {
                        problems.add(name(workload) + ": " + env.path("name").asText() + " is a literal; take it from a Secret");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Production: no Secret is rendered (they are created in the cluster, never committed), the broker serves only
     * AMQPS, and every function verifies the broker's and the database's certificates.
     */
    List<String> productionIsEncrypted() {
        List<String> problems = new ArrayList<>();
        kinds("Secret").forEach(secret -> problems.add(name(secret) + ": production Secrets are created in the cluster, not committed"));
        JsonNode config = kinds("ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().startsWith("eventual-config"))
                .findFirst().orElse(null);
        if (config == null || !config.at("/data/EVENTUAL_BROKER_TLS_ENABLED").asText().equals("true")) {
            problems.add("eventual-config: EVENTUAL_BROKER_TLS_ENABLED must be true");
        }
        if (config == null || !config.at("/data/QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE").asText().equals("verify-full")) {
            problems.add("eventual-config: QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE must be verify-full");
        }
        for (JsonNode broker : kinds("ConfigMap")) {
            if (!broker.at("/metadata/name").asText().startsWith("artemis-broker")) {
                continue;
            }
            Matcher acceptors = Pattern.compile("<acceptor [^>]*>([^<]*)</acceptor>").matcher(broker.at("/data/acceptors.xml").asText());
            boolean any = false;
            while (acceptors.find()) {
                any = true;
                if (!acceptors.group(1).contains("sslEnabled=true")) {
                    problems.add("artemis-broker: acceptor without TLS: " + acceptors.group(1));
                }
            }
            if (!any) {
                problems.add("artemis-broker: acceptors.xml declares no acceptor");
            }
        }
        return problems;
    }

    private static Set<String> secretsOf(JsonNode workload) {
        Set<String> secrets = new TreeSet<>();
        workload.findValues("secretKeyRef").forEach(ref -> secrets.add(ref.path("name").asText()));
        workload.findValues("secretRef").forEach(ref -> secrets.add(ref.path("name").asText()));
        workload.findValues("secret").forEach(volume -> secrets.add(volume.has("secretName")
                ? volume.path("secretName").asText() : volume.path("name").asText()));
        return secrets;
    }

    /** Prometheus finds every function through its pod annotations, on the port that serves /q/metrics. */
    List<String> functionsAreScraped() {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : kinds("Deployment")) {
            if (!workload.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText().equals("function")) {
                continue;
            }
            JsonNode annotations = workload.at("/spec/template/metadata/annotations");
            String port = workload.at("/spec/template/spec/containers/0/ports/0/containerPort").asText();
            if (!annotations.path("prometheus.io/scrape").asText().equals("true")
                    || !annotations.path("prometheus.io/path").asText().equals("/q/metrics")
                    || !annotations.path("prometheus.io/port").asText().equals(port)) {
                problems.add(name(workload) + ": pods not annotated for Prometheus to scrape /q/metrics on port " + port);
            }
        }
        return problems;
    }

    List<String> selectorsMatchPodLabels() {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : kinds("Deployment", "StatefulSet")) {
            JsonNode labels = workload.at("/spec/template/metadata/labels");
            workload.at("/spec/selector/matchLabels").fields().forEachRemaining(e -> {
                if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                    problems.add(name(workload) + ": selector " + e.getKey() + " does not match the pod labels");
                }
            });
        }
        for (JsonNode service : kinds("Service")) {
            boolean selectsSomething = kinds("Deployment", "StatefulSet").stream().anyMatch(w -> matches(service.at("/spec/selector"),
                    w.at("/spec/template/metadata/labels")));
            if (!selectsSomething) {
                problems.add(name(service) + ": selects no pods");
            }
        }
        return problems;
    }

    List<String> referencedSecretsAndConfigMapsExist() {
        Set<String> secrets = names("Secret");
        secrets.addAll(externalSecrets);
        kinds("Certificate").forEach(c -> secrets.add(c.at("/spec/secretName").asText()));
        Set<String> configMaps = names("ConfigMap");
        configMaps.addAll(externalConfigMaps);
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : kinds("Deployment", "StatefulSet", "Job")) {
            for (String secret : secretsOf(doc)) {
                if (!secrets.contains(secret)) {
                    problems.add(name(doc) + ": Secret " + secret + " does not exist");
                }
            }
            for (JsonNode ref : doc.findValues("configMapRef")) {
                if (!configMaps.contains(ref.path("name").asText())) {
                    problems.add(name(doc) + ": ConfigMap " + ref.path("name").asText() + " does not exist");
                }
            }
            for (JsonNode ref : doc.findValues("configMap")) {
                if (!configMaps.contains(ref.path("name").asText())) {
                    problems.add(name(doc) + ": ConfigMap " + ref.path("name").asText() + " does not exist");
                }
            }
        }
        for (JsonNode auth : kinds("TriggerAuthentication")) {
            for (JsonNode ref : auth.at("/spec/secretTargetRef")) {
                if (!secrets.contains(ref.path("name").asText())) {
                    problems.add(name(auth) + ": Secret " + ref.path("name").asText() + " does not exist");
                }
            }
        }
        return problems;
    }

    /** Every consuming function has exactly one ScaledObject, on exactly its own queues, and no HPA besides. */
    List<String> scaledObjectsMatchTheCatalogue() {
        List<String> problems = new ArrayList<>();
        Set<String> deployments = names("Deployment");
        Set<String> hpaTargets = new HashSet<>();
        kinds("HorizontalPodAutoscaler").forEach(h -> hpaTargets.add(h.at("/spec/scaleTargetRef/name").asText()));
        Set<String> auths = names("TriggerAuthentication");
        for (String function : consumingFunctions()) {
            List<JsonNode> scaled = kinds("ScaledObject").stream()
                    .filter(s -> s.at("/spec/scaleTargetRef/name").asText().equals(function)).toList();
            if (scaled.size() != 1) {
                problems.add(function + ": " + scaled.size() + " ScaledObjects, expected 1");
                continue;
            }
            Set<String> queues = new TreeSet<>();
            for (JsonNode trigger : scaled.get(0).at("/spec/triggers")) {
                queues.add(trigger.at("/metadata/brokerAddress").asText() + "::" + trigger.at("/metadata/queueName").asText());
                if (!trigger.at("/metadata/restApiTemplate").asText().contains("routing-type=\"multicast\"")) {
                    problems.add(function + ": trigger on " + trigger.at("/metadata/queueName").asText()
                            + " must read a multicast queue (restApiTemplate)");
                }
                if (!auths.contains(trigger.at("/authenticationRef/name").asText())) {
                    problems.add(function + ": TriggerAuthentication " + trigger.at("/authenticationRef/name").asText()
                            + " does not exist");
                }
            }
            if (!queues.equals(queuesOf(function))) {
                problems.add(function + ": scales on " + queues + " but consumes " + queuesOf(function));
            }
        }
        for (JsonNode scaled : kinds("ScaledObject")) {
            String target = scaled.at("/spec/scaleTargetRef/name").asText();
            if (!deployments.contains(target)) {
                problems.add(name(scaled) + ": targets missing Deployment " + target);
            }
            if (hpaTargets.contains(target)) {
                problems.add(name(scaled) + ": an HPA also scales " + target);
            }
        }
        return problems;
    }

    List<String> containersAreHardened() {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : kinds("Deployment", "StatefulSet")) {
            JsonNode pod = workload.at("/spec/template/spec");
            for (JsonNode c : pod.path("containers")) {
                String where = name(workload) + "/" + c.path("name").asText();
                String image = c.path("image").asText();
                if (!image.contains("@sha256:") && (!image.contains(":") || image.endsWith(":latest"))) {
                    problems.add(where + ": image " + image + " is not pinned");
                }
                if (c.at("/resources/requests").isMissingNode() || c.at("/resources/limits/memory").isMissingNode()) {
                    problems.add(where + ": requests and a memory limit are required");
                }
                if (c.path("readinessProbe").isMissingNode() || c.path("livenessProbe").isMissingNode()) {
                    problems.add(where + ": readiness and liveness probes are required");
                }
                boolean nonRoot = c.at("/securityContext/runAsNonRoot").asBoolean(false)
                        || pod.at("/securityContext/runAsNonRoot").asBoolean(false);
                if (!nonRoot) {
                    problems.add(where + ": must run as non-root");
                }
                if (c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": must not allow privilege escalation");
                }
                if (!c.at("/securityContext/readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(where + ": needs a read-only root filesystem");
                }
            }
        }
        return problems;
    }

    static Set<String> consumingFunctions() {
        Set<String> functions = new TreeSet<>();
        for (EventType type : EventType.values()) {
            functions.addAll(type.consumers());
        }
        return functions;
    }

    static Set<String> queuesOf(String function) {
        Set<String> queues = new TreeSet<>();
        for (EventType type : EventType.values()) {
            if (type.consumers().contains(function)) {
                queues.add(type.fqqn(function));
            }
        }
        return queues;
    }

    private List<JsonNode> kinds(String... kinds) {
        Set<String> wanted = Set.of(kinds);
        return documents.stream().filter(d -> wanted.contains(d.path("kind").asText())).toList();
    }

    private Set<String> names(String kind) {
        Set<String> names = new HashSet<>();
        kinds(kind).forEach(d -> names.add(d.at("/metadata/name").asText()));
        return names;
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        return selector.size() > 0 && StreamSupport.stream(((Iterable<Map.Entry<String, JsonNode>>) selector::fields).spliterator(), false)
                .allMatch(e -> e.getValue().asText().equals(labels.path(e.getKey()).asText(null)));
    }

    private static String name(JsonNode doc) {
        return doc.path("kind").asText() + " " + doc.at("/metadata/name").asText();
    }
}
