/** Transactions on Micronaut Data's JDBC transaction manager, shared by hand-written SQL and generated repositories of every domain module. */
package dev.entente.lifecycle.db;
