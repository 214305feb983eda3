/** The Micronaut application: admin API, federation API, security, the embedded database, and the server side of the CLI. */
package dev.entente.controlplane;
