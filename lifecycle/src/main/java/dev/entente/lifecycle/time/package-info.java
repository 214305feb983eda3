/** Durations as operators write them in settings and request fields. */
package dev.entente.lifecycle.time;
