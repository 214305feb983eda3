/** The operator API's request bodies, one record per route, shared by the server that reads them and the CLI that sends them. */
package dev.entente.client.request;
