package dev.entente.federation.token;

/** What sets one kind of single-use token apart: its audience, its table, and how an operator uses it. */
public interface TokenKind {
    /** The kind's name as operators see it: {@code acceptance}, {@code reenrolment}. */
    String kind();

    /** The {@code aud} claim of every token of this kind. */
    String audience();

    /** Where this hub keeps the digests of the tokens of this kind it minted. */
    TokenTable table();

    /** The claims without the signature; a token whose claims this kind cannot use is refused with its own code. */
    TokenClaims read(String token);

    /** The command that uses a token of this kind, and where it is run. */
    String useWith(TokenClaims claims);
}
