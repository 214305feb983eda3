/**
 * Re-enrolment of a locked-out link: a peer whose node certificate expired while it was offline,
 * or that a forced CA rotation skipped, gets fresh node certificates in both directions with its
 * peer ids, grants and history kept, against a one-time token an operator of the issuing hub mints.
 */
package dev.entente.federation.reenrol;
