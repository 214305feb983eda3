/** The two-person rule: approval policies per sensitive action, and running approved actions. */
package dev.entente.federation.approval;
