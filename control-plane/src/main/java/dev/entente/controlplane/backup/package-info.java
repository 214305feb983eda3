/** Hot backups as one consistent snapshot in a zip archive, and loading such an archive into an empty database. */
package dev.entente.controlplane.backup;
