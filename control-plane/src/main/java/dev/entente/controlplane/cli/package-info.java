/** The picocli command line: start, and the clients of the admin API. */
package dev.entente.controlplane.cli;
