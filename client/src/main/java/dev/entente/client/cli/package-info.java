/**
 * The picocli command line: the clients of the admin API, and {@code start}, {@code worker},
 * {@code stop} and {@code restore}, which reach the server part through {@code local.LocalHub}.
 */
package dev.entente.client.cli;
