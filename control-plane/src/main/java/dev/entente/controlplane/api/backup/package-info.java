/** Hot backups of the hub's database over the admin API. */
package dev.entente.controlplane.api.backup;
