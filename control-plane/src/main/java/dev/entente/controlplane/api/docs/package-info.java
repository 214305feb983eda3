/** The hub's own API description, served at {@code /openapi.yml}. */
package dev.entente.controlplane.api.docs;
