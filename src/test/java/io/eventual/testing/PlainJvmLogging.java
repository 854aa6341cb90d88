package io.eventual.testing;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logging for a JVM that hosts the embedded broker and database without Quarkus (the benchmark, the fault suites).
 * Quarkus's initial log configuration, which the JBoss LogManager finds on the classpath, leaves the root logger at ALL
 * until Quarkus configures it, which never happens here. The embedded Artemis then formats every AMQP frame and message
 * for trace lines that no handler prints (measured: 60 % of the broker's CPU under load), and at INFO its audit log
 * formats every message sent, delivered and acknowledged (10 % more). So: INFO, and the broker at WARN, as dev mode has
 * it ({@code quarkus.log.category."org.apache.activemq".level} in application.properties).
 */
public final class PlainJvmLogging {

    /** Kept so the level set on it stays (the JDK holds loggers weakly). */
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger BROKER = Logger.getLogger("org.apache.activemq");

    private PlainJvmLogging() {
    }

    /** Logs INFO and above (the broker WARN and above), and asks nobody to format what is below. */
    public static void configure() {
        ROOT.setLevel(Level.INFO);
        BROKER.setLevel(Level.WARNING);
    }
}
