/** Federation grants: their lifecycle, store, bearer tokens, and the compiled scope evaluation the federation API runs on every call. */
package dev.entente.federation.grant;
