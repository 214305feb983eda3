package dev.entente.lifecycle.engine;

import java.util.List;

/**
 * What a bulk transition did.
 *
 * @param from    the state the rows were in
 * @param to      the state they are in now
 * @param ids     every id moved, across all batches, each once
 * @param batches how many batches committed a change (one audit event each)
 */
public record BulkTransitionResult<S>(S from, S to, List<Object> ids, int batches) {

    public BulkTransitionResult {
        ids = List.copyOf(ids);
    }

    /** How many rows moved. */
    public int count() {
        return ids.size();
    }
}
