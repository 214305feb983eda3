/** Request bodies of the worker routes of the operator API. */
package dev.entente.client.request.worker;
