/** Request bodies of the signin routes of the operator API. */
package dev.entente.client.request.signin;
