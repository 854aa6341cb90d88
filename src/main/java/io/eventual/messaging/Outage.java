package io.eventual.messaging;

import org.jboss.logging.Logger;

/**
 * Logs a background task's failures once per outage: a WARN with the cause when it starts failing, DEBUG for the
 * retries that follow (every poll during a database restart), INFO when it works again.
 */
public final class Outage {

    private final Logger log;
    private final String task;
    private volatile boolean reported;

    public Outage(Logger log, String task) {
        this.log = log;
        this.task = task;
    }

    public void failed(Throwable error) {
        log.logf(reported ? Logger.Level.DEBUG : Logger.Level.WARN, "%s failed, will retry: %s", task, error.getMessage());
        reported = true;
    }

    public void succeeded() {
        if (reported) {
            reported = false;
            log.infof("%s works again", task);
        }
    }
}
