/** The hub's settings: one configuration record per concept with its defaults, and the check that refuses unknown keys. */
package dev.entente.controlplane.config;
