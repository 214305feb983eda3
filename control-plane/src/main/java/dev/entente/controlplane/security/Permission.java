package dev.entente.controlplane.security;

/** What an admin API call needs; roles grant sets of these. */
public enum Permission {
    READ, WRITE, APPROVE, ADMIN
}
