package dev.entente.federation.command;

import dev.entente.federation.resource.ResourceRepository;

/**
 * {@code resources delete KIND/NAME}: stop exporting a resource.
 *
 * @param kind e.g. {@code service}
 * @param name e.g. {@code web-1}
 */
public record DeleteResource(String kind, String name) implements OperatorCommand {
    public static final String ACTION = "resource.delete";

    public DeleteResource {
        ResourceRepository.validate(kind, name);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.deleteResource(this);
    }
}
