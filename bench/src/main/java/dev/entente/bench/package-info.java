/** Performance harnesses (JMH and plain mains) that print their figures; run with bench/run, never as tests. */
package dev.entente.bench;
