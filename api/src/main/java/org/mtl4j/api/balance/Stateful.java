package org.mtl4j.api.balance;

/**
 * A balancer whose state survives a checkpoint: {@link #saveState()} returns it as plain data and
 * {@link #restoreState} puts it back into a freshly created instance, so a resumed run continues
 * exactly. The defaults are those of a balancer that keeps no state.
 */
public interface Stateful {

    /** Everything that changes while training (learned values, histories, RNG state), as plain data. */
    default PlainState saveState() {
        return PlainState.EMPTY;
    }

    /**
     * Restores what {@link #saveState()} returned, into an instance created with the same parameters.
     *
     * @throws IllegalArgumentException when the state does not fit this balancer
     */
    default void restoreState(PlainState state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(getClass().getName() + " keeps no state, the saved state has " + state.keys());
        }
    }
}
