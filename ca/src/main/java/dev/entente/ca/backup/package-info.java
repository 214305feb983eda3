/** Hot backups as one consistent snapshot in a zip archive and their loading into an empty database; here because the key vault's header seals the archive's keys. */
package dev.entente.ca.backup;
