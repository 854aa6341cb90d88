package io.eventual.store;

/**
 * Where an event sits in the store's global order: the writing transaction's id, then its position. Readers follow
 * this order and only read transactions older than every one still running, so a reader never skips an event that
 * commits later (see {@link EventStore#readAll}).
 */
public record GlobalPosition(long transactionId, long position) {

    public static final GlobalPosition START = new GlobalPosition(0, 0);
}
