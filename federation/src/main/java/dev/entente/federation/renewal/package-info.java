/** Renewal between linked hubs: node certificates (when to renew, renewing ours, issuing the peer's) and the hub TLS certificate, announced to peers before it is served. */
package dev.entente.federation.renewal;
