/** The federation handshake: acceptance tokens and the messages two hubs exchange to enroll each other. */
package dev.entente.federation.handshake;
