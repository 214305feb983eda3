/**
 * The web console at {@code /ui}: server-rendered pages over the same commands, approval gate and
 * route rules as the admin API, with server-side sessions, per-session form tokens and a strict CSP.
 */
package dev.entente.controlplane.ui;
