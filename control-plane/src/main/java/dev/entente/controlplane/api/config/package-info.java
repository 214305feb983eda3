/** The admin API's view of the configuration a hub runs with ({@code entente config show}). */
package dev.entente.controlplane.api.config;
