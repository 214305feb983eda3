/** Resources this hub exports to its peers through the federation API. */
package dev.entente.federation.resource;
