/** Request bodies of the ca routes of the operator API. */
package dev.entente.client.request.ca;
