package io.eventual.messaging.amqp;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while connected to the broker: without it nothing is consumed and the outbox only grows. */
@Readiness
@ApplicationScoped
public class BrokerHealth implements HealthCheck {

    private final Broker broker;

    BrokerHealth(Broker broker) {
        this.broker = broker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("amqp-broker").status(broker.isConnected()).build();
    }
}
