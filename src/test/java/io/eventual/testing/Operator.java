package io.eventual.testing;

import io.vertx.amqp.AmqpClientOptions;

/**
 * The broker account of the tests' and the benchmark's own clients: the operator, who may create queues and read any
 * of them. The dev account's password, unless {@code EVENTUAL_OPERATOR_PASSWORD} says otherwise (a broker elsewhere).
 */
public final class Operator {

    public static final String USER = System.getenv().getOrDefault("EVENTUAL_OPERATOR_USER", "operator");
    public static final String PASSWORD = System.getenv().getOrDefault("EVENTUAL_OPERATOR_PASSWORD", "operator");

    private Operator() {
    }

    public static AmqpClientOptions options(String host, int port) {
        return new AmqpClientOptions().setHost(host).setPort(port).setUsername(USER).setPassword(PASSWORD);
    }
}
