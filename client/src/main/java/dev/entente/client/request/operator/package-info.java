/** Request bodies of the operator routes of the operator API. */
package dev.entente.client.request.operator;
