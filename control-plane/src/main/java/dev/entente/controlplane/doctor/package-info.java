/** The doctor checks of the hub's database (pool, migrations, embedded PostgreSQL), registered with the federation's doctor. */
package dev.entente.controlplane.doctor;
