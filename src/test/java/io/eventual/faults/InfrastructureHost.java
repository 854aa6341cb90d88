package io.eventual.faults;

import java.nio.file.Path;

import io.eventual.local.LocalInfrastructure;
import io.eventual.testing.PlainJvmLogging;

/**
 * Runs the embedded broker and database — exactly as dev mode does — in a process of their own, so that a test can
 * kill them with SIGKILL. Arguments: data directory, AMQP port, PostgreSQL port.
 */
public final class InfrastructureHost {

    public static void main(String[] args) throws Exception {
        PlainJvmLogging.configure();
        LocalInfrastructure.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
