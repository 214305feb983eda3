/** The federation handshake on both sides: acceptance tokens, proposing, accepting, completing, and the node keys it seals. */
package dev.entente.federation.handshake;
