package dev.entente.controlplane.api.findings;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.heartbeat.scan.FindingsScanner;
import dev.entente.heartbeat.scan.StoredFinding;
import dev.entente.controlplane.security.Permission;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

import java.util.List;
import java.util.Map;

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
    public List<Map<String, Object>> list(HttpRequest<?> request, @Nullable @QueryValue Boolean all) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return findings.list(Boolean.TRUE.equals(all)).stream().map(StoredFinding::toMap).toList();
    }
}
