/** The hub on this machine as the CLI sees it: where its data lives, and the seam to the server part that runs it. */
package dev.entente.client.local;
