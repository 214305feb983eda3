/** Request bodies of the peer routes of the operator API. */
package dev.entente.client.request.peer;
