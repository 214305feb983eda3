/** Request bodies of the keys routes of the operator API. */
package dev.entente.client.request.keys;
