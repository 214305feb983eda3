/** The approval lifecycle: the two-person rule for sensitive actions, from request to execution. */
package dev.entente.lifecycle.approval;
