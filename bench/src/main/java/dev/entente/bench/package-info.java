/** JMH benchmarks of the federation CA's hot paths, run by bench/run and never by the test suite. */
package dev.entente.bench;
