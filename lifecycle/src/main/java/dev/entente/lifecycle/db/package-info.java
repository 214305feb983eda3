/** Plain-JDBC transactions shared by every domain module. */
package dev.entente.lifecycle.db;
