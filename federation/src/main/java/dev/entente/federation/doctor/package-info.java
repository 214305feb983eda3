/** {@code entente doctor}: the runner and the checks of the federation's own records, each finding one thing that breaks in the wild. */
package dev.entente.federation.doctor;
