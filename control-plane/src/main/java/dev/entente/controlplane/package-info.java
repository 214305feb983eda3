/** The Micronaut application: admin API, federation API, security, CLI and the embedded database. */
package dev.entente.controlplane;
