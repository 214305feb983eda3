/** Stable error codes, the problem+json shape and the one domain exception. */
package dev.entente.lifecycle.error;
