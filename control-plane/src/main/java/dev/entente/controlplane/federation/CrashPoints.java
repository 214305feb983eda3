package dev.entente.controlplane.federation;

import dev.entente.federation.handshake.HandshakeHook;
import dev.entente.federation.handshake.HandshakeStep;

/**
 * The handshake's crash points (issue 11): halts the JVM at the step named by the system property
 * {@value HandshakeStep#PROPERTY}, as {@code kill -9} would leave it. Specs only; unset in production.
 */
public final class CrashPoints implements HandshakeHook {
    @Override
    public void reached(HandshakeStep step) {
        if (step.value().equals(System.getProperty(HandshakeStep.PROPERTY))) {
            System.err.println("entente: crash point " + step.value() + " reached; halting as kill -9 would");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
