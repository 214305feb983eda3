/**
 * Single-use tokens one hub hands another through its operators (acceptance and re-enrolment
 * tokens): one way to mint, read, verify and inspect them, each kind naming only its audience,
 * lifetime and table.
 */
package dev.entente.federation.token;
