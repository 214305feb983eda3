package dev.entente.ca.rotation;

/** Operator moves of a CA rotation. */
public enum RotationEvent {
    /** Begin a rotation: generate and trust a new key. */
    START,
    /** Move to the next phase. */
    ADVANCE,
    /** Abandon the rotation: sign with the old key again. */
    ROLLBACK
}
