package io.eventual.faults;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * A broker plugin that delivers every consumed message a second time: once a consumer has acknowledged a message,
 * a copy is put at the back of the same queue. The copy arrives after messages sent in between, so it is also a
 * reordered, stale delivery.
 */
final class DuplicatingBroker implements ActiveMQServerMessagePlugin {

    private final ActiveMQServer server;
    private final Set<Long> copies = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    final AtomicInteger duplicated = new AtomicInteger();
    volatile boolean enabled = true;

    DuplicatingBroker(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        Message original = ref.getMessage();
        if (!enabled || reason != AckReason.NORMAL || consumer == null || copies.remove(original.getMessageID())) {
            return;
        }
        Queue queue = ref.getQueue();
        Message copy = original.copy(server.getStorageManager().generateID());
        copy.setDurable(false);
        copies.add(copy.getMessageID());
        duplicated.incrementAndGet();
        executor.execute(() -> queue.addTail(MessageReference.Factory.createReference(copy, queue), false));
    }

    void close() {
        enabled = false;
        executor.shutdown();
    }
}
