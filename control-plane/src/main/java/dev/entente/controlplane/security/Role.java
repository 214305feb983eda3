package dev.entente.controlplane.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Operator roles carried in the token's {@code roles} claim. */
public enum Role {
    /** Everything, including issuing operator tokens and rotating keys. */
    ADMIN(EnumSet.allOf(Permission.class)),
    /** Day-to-day changes: peers, grants, resources, rotations. */
    OPERATOR(EnumSet.of(Permission.READ, Permission.WRITE)),
    /** Decides approval requests; cannot make changes of its own. */
    APPROVER(EnumSet.of(Permission.READ, Permission.APPROVE)),
    /** Reads state, audit and metrics. */
    VIEWER(EnumSet.of(Permission.READ));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean allows(Permission p) {
        return permissions.contains(p);
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String s) {
        for (Role r : values()) {
            if (r.value().equals(s)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
