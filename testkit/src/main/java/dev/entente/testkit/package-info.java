/** Test support shared by every module: the one real-PostgreSQL fixture. */
package dev.entente.testkit;
