/** Request bodies of the grant routes of the operator API. */
package dev.entente.client.request.grant;
