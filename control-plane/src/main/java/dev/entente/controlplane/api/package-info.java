/** Admin API controllers, the operator auth filter and the problem+json error mapping. */
package dev.entente.controlplane.api;
