/** Signed statements of an audit chain's head, and the hub key that signs and countersigns them. */
package dev.entente.ca.anchor;
