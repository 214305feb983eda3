/** {@code /api/v1/tokens}: reading single-use tokens (acceptance, re-enrolment) without using them. */
package dev.entente.controlplane.api.token;
