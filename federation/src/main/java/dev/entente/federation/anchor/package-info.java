/** The audit chain's head anchored outside the database: the data-dir file and peers' witness statements. */
package dev.entente.federation.anchor;
