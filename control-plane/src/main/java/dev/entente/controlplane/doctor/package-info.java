/** {@code entente doctor}: checks that each find one thing that breaks in the wild, with its code, diagnosis and next command. */
package dev.entente.controlplane.doctor;
