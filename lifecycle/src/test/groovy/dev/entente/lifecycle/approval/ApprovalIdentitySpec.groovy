package dev.entente.lifecycle.approval

import spock.lang.Specification

/**
 * Who the two-person rule takes for one person: local subjects up to case, sign-in identities
 * ({@code oidc:<sub>@<issuer>}) exactly, and never a local subject for a sign-in identity.
 */
class ApprovalIdentitySpec extends Specification {
    def "#a and #b are #verdict"() {
        expect:
        ApprovalTransitions.same(a, b) == one

        where:
        a                                    | b                                    || one
        'alice'                              | 'alice'                              || true
        'Alice'                              | 'alice'                              || true
        // two sessions of one identity carry the same subject: one person
        'oidc:u-1@https://idp.example'       | 'oidc:u-1@https://idp.example'       || true
        // the provider's subject is case-sensitive: another identity
        'oidc:u-1@https://idp.example'       | 'oidc:U-1@https://idp.example'       || false
        // the same subject at another issuer is another person
        'oidc:u-1@https://idp.example'       | 'oidc:u-1@https://other.example'     || false
        // a local token named like the provider's subject is not the signed-in person
        'u-1'                                | 'oidc:u-1@https://idp.example'       || false
        'alice'                              | null                                 || false

        verdict = one ? 'one person' : 'two people'
    }
}
