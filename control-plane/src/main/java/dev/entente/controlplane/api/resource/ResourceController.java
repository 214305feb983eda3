package dev.entente.controlplane.api.resource;

import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.federation.resource.Resource;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;

import java.util.List;
import java.util.Map;

/** {@code /api/v1/resources}: what this hub exports to its peers. */
@Controller("/api/v1/resources")
public class ResourceController {
    private final AuditLog audit;
    private final ResourceRepository resources;
    private final Tx tx;

    public ResourceController(AuditLog audit, ResourceRepository resources, Tx tx) {
        this.audit = audit;
        this.resources = resources;
        this.tx = tx;
    }

    @Get
    public List<Map<String, Object>> list(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return resources.list().stream().map(Resource::toMap).toList();
    }

    @Put("/{kind}/{name}")
    public Map<String, Object> put(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name,
                                   @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        Resource r = resources.put(kind, name, Bodies.string(body, "instance_id", false), Bodies.string(body, "network_id", false), Bodies.attributes(body));
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_PUT, operator.subject(),
                kind + "/" + name, r.toMap())));
        return r.toMap();
    }

    @Delete("/{kind}/{name}")
    public Map<String, Object> delete(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        if (!resources.delete(kind, name)) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "no resource " + kind + "/" + name);
        }
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_DELETED, operator.subject(),
                kind + "/" + name, Map.of())));
        return Map.of("deleted", kind + "/" + name);
    }
}
