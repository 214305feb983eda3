/** The CA rotation lifecycle (standby, init, update_clients, update_servers, rollback) over the federation CA's keys. */
package dev.entente.ca.rotation;
