/** The lifecycle engine: transition tables as data, applied to persisted rows through one Spring Statemachine adapter. */
package dev.entente.lifecycle.engine;
