package io.eventual.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventual.event.EventType;

/**
 * What the API server and KEDA would enforce when the rendered manifests are applied, checked offline: each rule
 * returns the problems it finds (empty when the manifests are right).
 */
final class ManifestRules {

    private final List<JsonNode> documents;
    private final Set<String> externalSecrets;

    ManifestRules(List<JsonNode> documents, Set<String> externalSecrets) {
        this.documents = documents;
        this.externalSecrets = externalSecrets;
    }

    List<String> all() {
        List<String> problems = new ArrayList<>();
        problems.addAll(selectorsMatchPodLabels());
        problems.addAll(referencedSecretsAndConfigMapsExist());
        problems.addAll(scaledObjectsMatchTheCatalogue());
        problems.addAll(containersAreHardened());
        problems.addAll(functionsAreScraped());
        return problems;
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
        Set<String> configMaps = names("ConfigMap");
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : documents) {
            for (JsonNode ref : doc.findValues("secretKeyRef")) {
                if (!secrets.contains(ref.path("name").asText())) {
                    problems.add(name(doc) + ": Secret " + ref.path("name").asText() + " does not exist");
                }
            }
            for (JsonNode ref : doc.findValues("configMapRef")) {
                if (!configMaps.contains(ref.path("name").asText())) {
                    problems.add(name(doc) + ": ConfigMap " + ref.path("name").asText() + " does not exist");
                }
            }
            for (JsonNode volume : doc.at("/spec/template/spec/volumes")) {
                if (volume.has("configMap") && !configMaps.contains(volume.at("/configMap/name").asText())) {
                    problems.add(name(doc) + ": ConfigMap " + volume.at("/configMap/name").asText() + " does not exist");
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
