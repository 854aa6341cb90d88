package io.eventual.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.eventual.messaging.amqp.Broker;
import io.quarkus.runtime.StartupEvent;

/** Opens a consumer for every queue of the functions this process runs (config {@code eventual.functions}). */
@ApplicationScoped
public class FunctionRunner {

    private static final Logger LOG = Logger.getLogger(FunctionRunner.class);

    private final Map<String, EventFunction> functions = new TreeMap<>();
    private final Map<String, List<Broker.Subscription>> running = new TreeMap<>();
    private final Broker broker;
    private final Inbox inbox;

    private final ConsumerMetrics metrics;

    FunctionRunner(Instance<EventFunction> functions, Broker broker, Inbox inbox, ConsumerMetrics metrics) {
        functions.forEach(f -> this.functions.put(f.name(), f));
        this.broker = broker;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent ignored, EventualConfig config) {
        Set<String> unknown = new TreeSet<>(config.functions());
        unknown.removeAll(functions.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("eventual.functions names unknown function(s) " + unknown + "; known: "
                    + functions.keySet());
        }
        config.functions().forEach(this::resume);
        LOG.infof("running functions %s", new TreeSet<>(config.functions()));
        broker.start();
    }

    public Set<String> known() {
        return functions.keySet();
    }

    public synchronized Set<String> running() {
        return new TreeSet<>(running.keySet());
    }

    /** Opens the consumers of {@code name} in this process (for a function paused, or not started here). */
    public synchronized void resume(String name) {
        EventFunction function = function(name);
        if (running.containsKey(name)) {
            return;
        }
        List<Broker.Subscription> subscriptions = new ArrayList<>();
        function.handlers().forEach((type, handler) -> {
            if (!type.consumers().contains(name)) {
                throw new IllegalStateException(name + " handles " + type
                        + " but the event catalogue does not list it as a consumer");
            }
            metrics.of(name, type.typeName());
            subscriptions.add(broker.consume(type.fqqn(name), delivery -> inbox.deliver(name, handler, delivery)));
        });
        function.queues().forEach((queue, raw) -> subscriptions.add(broker.consume(queue, raw.concurrency(), raw.handler())));
        running.put(name, subscriptions);
    }

    /** Closes the consumers of {@code name} in this process; its events wait in its queues until it resumes. */
    public synchronized void pause(String name) {
        function(name);
        List<Broker.Subscription> subscriptions = running.remove(name);
        if (subscriptions != null) {
            subscriptions.forEach(Broker.Subscription::cancel);
        }
    }

    private EventFunction function(String name) {
        EventFunction function = functions.get(name);
        if (function == null) {
            throw new IllegalArgumentException("no function " + name + "; known: " + functions.keySet());
        }
        return function;
    }
}
