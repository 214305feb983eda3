/** Who is calling the federation API: a client certificate this hub's CA issued, mapped to its peer. */
package dev.entente.federation.access;
