package org.mtl4j.data.internal;

/** Turns the token of id input {@code idInput} (index into {@link RowBinder#idInputs()}) into an embedding row. */
@FunctionalInterface
public interface IdMapper {
    int map(int idInput, String token);
}
