/** Performance harnesses that print their figures (run with {@code bench/run}, never as tests). */
package dev.entente.bench;
