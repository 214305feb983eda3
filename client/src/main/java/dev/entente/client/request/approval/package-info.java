/** Request bodies of the approval routes of the operator API. */
package dev.entente.client.request.approval;
