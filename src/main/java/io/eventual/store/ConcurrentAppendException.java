package io.eventual.store;

/** Someone appended to the stream since the version the writer expected; reload and decide again. */
public class ConcurrentAppendException extends RuntimeException {
    public ConcurrentAppendException(String streamId, int expected, int actual) {
        super("stream " + streamId + " is at version " + actual + ", expected " + expected);
    }
}
