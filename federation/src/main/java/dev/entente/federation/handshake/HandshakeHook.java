package dev.entente.federation.handshake;

/** Told each {@link HandshakeStep} the handshake reaches: the seam for the specs' crash points. */
@FunctionalInterface
public interface HandshakeHook {
    /** Production: nothing happens at a step. */
    HandshakeHook NONE = step -> { };

    void reached(HandshakeStep step);
}
