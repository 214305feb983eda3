package dev.entente.heartbeat.scan;

import java.time.Instant;

/** Opens and resolves findings from the conditions that hold at {@code now} ({@link FindingsScanner#scan}). */
@FunctionalInterface
public interface GovernanceScan {
    void scan(Instant now) throws Exception;
}
