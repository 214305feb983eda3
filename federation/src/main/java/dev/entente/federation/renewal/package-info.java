/** Node-certificate renewal between linked hubs: when to renew, renewing ours, and issuing the peer's. */
package dev.entente.federation.renewal;
