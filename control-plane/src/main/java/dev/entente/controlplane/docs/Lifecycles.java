package dev.entente.controlplane.docs;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.lifecycle.approval.ApprovalLifecycle;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.StateMachineDocs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every lifecycle of the product, in document order. It lives in control-plane because that is
 * the one module that sees all the others; {@code docs/state-machines.md} is rendered from it.
 */
public final class Lifecycles {
    public static final List<LifecycleDefinition<?, ?>> ALL = List.of(
            PeerLifecycle.DEFINITION, GrantLifecycle.DEFINITION, RotationLifecycle.DEFINITION, ApprovalLifecycle.DEFINITION);

    private Lifecycles() {
    }

    public static String document() {
        return StateMachineDocs.render(ALL);
    }

    /** Writes {@code docs/state-machines.md} (or {@code args[0]}). */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args.length > 0 ? args[0] : "docs/state-machines.md");
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.writeString(path, document(), StandardCharsets.UTF_8);
    }
}
