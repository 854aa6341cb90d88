package io.eventual.local;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** The entry point: in dev mode it first brings up the embedded broker and database, then runs Quarkus. */
@QuarkusMain
public class EventualMain {

    public static void main(String... args) {
        LocalMode.startIfWanted();
        Quarkus.run(args);
    }
}
