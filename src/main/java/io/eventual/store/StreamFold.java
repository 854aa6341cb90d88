package io.eventual.store;

/** Folds a stream's events into a state; the store snapshots that state every few events. */
public interface StreamFold<S> {

    S initial(String streamId);

    S apply(S state, StoredEvent event);

    Class<S> stateType();
}
