/** Documents generated from the code: the state-machine diagrams. */
package dev.entente.controlplane.docs;
