package dev.entente.federation.command;

/**
 * A command that spends a single-use token another hub minted, by calling that hub: accepting a
 * proposal, re-enrolling a locked-out link. The call cannot roll back with a transaction, and the
 * token is a credential (sealed while an approval request holds it, kept out of logs).
 */
public sealed interface RedeemsToken extends OperatorCommand permits AcceptPeer, ReenrolPeer {
    /** The token the other hub's operator handed over. */
    String token();

    // It calls the hub that minted the token.
    @Override
    default boolean transactional() {
        return false;
    }
}
