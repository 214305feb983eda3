package dev.entente.controlplane.api.resource;

import dev.entente.client.request.resource.ResourceRequest;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.DeleteResource;
import dev.entente.federation.command.PutResource;
import dev.entente.federation.resource.Resource;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;

import java.util.List;
import java.util.Objects;

/** {@code /api/v1/resources}: what this hub exports to its peers. */
@Controller("/api/v1/resources")
public class ResourceController {
    private final ResourceRepository resources;
    private final ApprovalGate approvals;

    public ResourceController(ResourceRepository resources, ApprovalGate approvals) {
        this.resources = resources;
        this.approvals = approvals;
    }

    @Get
    public List<Resource> list() {
        return resources.list();
    }

    @Put("/{kind}/{name}")
    public HttpResponse<?> put(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name,
                               @Nullable @Body ResourceRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        ResourceRequest resource = Objects.requireNonNullElse(body, ResourceRequest.EMPTY);
        PutResource command = new PutResource(kind, name, resource.instanceId(), resource.networkId(), resource.attributes());
        return HttpResponse.ok(approvals.submit(command, operator.approvalOperator()).body());
    }

    @Delete("/{kind}/{name}")
    public HttpResponse<?> delete(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        return HttpResponse.ok(approvals.submit(new DeleteResource(kind, name), operator.approvalOperator()).body());
    }
}
