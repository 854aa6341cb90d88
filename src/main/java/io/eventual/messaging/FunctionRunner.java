package io.eventual.messaging;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.eventual.event.EventType;
import io.quarkus.runtime.StartupEvent;

/** Opens a consumer for every queue of the functions this process runs (config {@code eventual.functions}). */
@ApplicationScoped
public class FunctionRunner {

    private static final Logger LOG = Logger.getLogger(FunctionRunner.class);

    void start(@Observes StartupEvent ignored, Instance<EventFunction> functions, MessagingConfig config, Broker broker,
            Inbox inbox) {
        Set<String> known = functions.stream().map(EventFunction::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> unknown = new TreeSet<>(config.functions());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("eventual.functions names unknown function(s) " + unknown + "; known: " + known);
        }
        for (EventFunction function : functions) {
            if (!config.functions().contains(function.name())) {
                continue;
            }
            function.handlers().forEach((type, handler) -> {
                if (!type.consumers().contains(function.name())) {
                    throw new IllegalStateException(function.name() + " handles " + type
                            + " but the event catalogue does not list it as a consumer");
                }
                broker.consume(type.fqqn(function.name()), delivery -> inbox.deliver(function.name(), handler, delivery));
            });
        }
        LOG.infof("running functions %s", new TreeSet<>(config.functions()));
        broker.start();
    }

    /** Every queue the catalogue declares, for tools that configure a broker. */
    public static Set<String> queues() {
        Set<String> queues = new TreeSet<>();
        for (EventType type : EventType.values()) {
            type.consumers().forEach(function -> queues.add(type.queue(function)));
        }
        return queues;
    }
}
