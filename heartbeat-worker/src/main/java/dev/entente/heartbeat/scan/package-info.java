/**
 * The governance scan: a periodic job that turns the doctor's long-running conditions (and grants
 * about to expire) into stored findings an operator lists with {@code entente findings list}, and
 * closes each finding by itself once its condition clears.
 */
package dev.entente.heartbeat.scan;
