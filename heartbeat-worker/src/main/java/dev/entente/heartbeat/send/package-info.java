/** This hub's heartbeats to its peers, as a scheduled task. */
package dev.entente.heartbeat.send;
