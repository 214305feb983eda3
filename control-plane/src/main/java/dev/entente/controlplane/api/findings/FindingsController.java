package dev.entente.controlplane.api.findings;

import dev.entente.heartbeat.scan.FindingsScanner;
import dev.entente.heartbeat.scan.StoredFinding;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

import java.util.List;

/**
 * {@code GET /api/v1/findings[?all=true]}: the governance scan's open findings, or with
 * {@code all} the resolved ones too, oldest first. Read-only: findings open and close only
 * through the scan, so what is listed is always what the last scan saw.
 */
@Controller("/api/v1/findings")
public class FindingsController {
    private final FindingsScanner findings;

    public FindingsController(FindingsScanner findings) {
        this.findings = findings;
    }

    @Get
    public List<StoredFinding> list(@Nullable @QueryValue Boolean all) {
        return findings.list(Boolean.TRUE.equals(all));
    }
}
