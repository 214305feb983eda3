/** Who is calling the federation API: a client certificate this hub's CA issued, mapped to its peer, and the in-memory state that keeps that check free of SQL. */
package dev.entente.federation.access;
