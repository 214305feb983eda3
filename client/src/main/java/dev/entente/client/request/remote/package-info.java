/** Request bodies of the remote routes of the operator API. */
package dev.entente.client.request.remote;
