/** The doctor check of the background worker: scheduled tasks that stopped running everywhere. */
package dev.entente.heartbeat.doctor;
