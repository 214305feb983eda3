package dev.entente.ca.authority

import dev.entente.ca.crypto.Certificates
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier
import org.bouncycastle.asn1.x509.Extension
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.security.cert.X509Certificate
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.Callable
import java.util.concurrent.Executors

import static dev.entente.ca.crypto.TestCsrs.keys
import static dev.entente.ca.crypto.TestCsrs.pem

class CertificateAuthoritySpec extends Specification {
    @Shared @AutoCleanup CaFixture hub = new CaFixture()

    def "the CA certificate is a pathLen-0 CA for keyCertSign and cRLSign, named after the hub, valid ten years"() {
        when:
        X509Certificate ca = hub.ca.signingKey().certificate()

        then:
        ca.subjectX500Principal.name == 'CN=hub_0000000a federation CA,O=Entente'
        ca.basicConstraints == 0
        ca.keyUsage[5] && ca.keyUsage[6]          // keyCertSign, cRLSign
        !ca.keyUsage[0]
        ski(ca) != null
        Duration.between(ca.notBefore.toInstant(), ca.notAfter.toInstant()) == Duration.ofDays(3650)
        hub.ca.signingKey().algorithm() == 'Ed25519'
    }

    def "an issued node certificate is a clientAuth-only leaf with the CA's names, AKI/SKI and a 7-day validity"() {
        given:
        Instant before = Instant.now()
        def caKey = hub.ca.signingKey()

        when:
        IssuedCertificate issued = hub.issue('peer-1', pem(keys('P-256')))
        X509Certificate cert = issued.certificate()

        then: 'names set by the CA'
        cert.subjectX500Principal.name == 'CN=hub_peer-1'
        cert.issuerX500Principal == caKey.certificate().subjectX500Principal
        Certificates.subjectAltNames(cert) == ['spiffe://hub_0000000a/peer/peer-1']

        and: 'a leaf for client authentication only'
        cert.basicConstraints == -1
        cert.extendedKeyUsage == ['1.3.6.1.5.5.7.3.2']
        cert.keyUsage.toList().indexed().findAll { it.value }*.key == [0]   // digitalSignature only
        cert.criticalExtensionOIDs.containsAll(['2.5.29.19', '2.5.29.15'])

        and: 'AKI is the CA SKI; the leaf has its own SKI'
        aki(cert) == ski(caKey.certificate())
        ski(cert) != null && ski(cert) != ski(caKey.certificate())

        and: 'signed by the CA key'
        cert.verify(caKey.certificate().publicKey) == null

        and: 'validity: 5 minutes backdated (never before the CA itself), 7 days from now'
        !cert.notBefore.toInstant().isBefore([before.minusSeconds(301), caKey.notBefore().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)].max())
        !cert.notBefore.toInstant().isAfter([java.time.Instant.now().minusSeconds(300), caKey.notBefore()].max())
        !cert.notAfter.toInstant().isBefore(before.plus(Duration.ofDays(7)).minusSeconds(1))
        !cert.notAfter.toInstant().isAfter(before.plus(Duration.ofDays(7)).plusSeconds(5))

        and: 'the record matches the certificate'
        issued.serial() == cert.serialNumber.toString(16)
        issued.fingerprint() == Certificates.fingerprint(cert)
        issued.signerFingerprint() == caKey.fingerprint()
        issued.subject() == 'CN=hub_peer-1'
        issued.notBefore() == cert.notBefore.toInstant()
        issued.notAfter() == cert.notAfter.toInstant()
        !issued.revoked()
    }

    def "serials are random 128-bit numbers"() {
        when:
        def serials = (1..20).collect { hub.issue('peer-serials', pem(keys('Ed25519'))).certificate().serialNumber }

        then:
        serials.toSet().size() == 20
        serials.every { it.bitLength() == 128 && it.signum() > 0 }
    }

    def "validity is clamped to the CA certificate's own notAfter"() {
        given: 'a clock two days before the CA certificate expires'
        Instant caEnd = hub.ca.signingKey().notAfter()
        def late = hub.authorityAt(Clock.fixed(caEnd.minus(Duration.ofDays(2)), ZoneOffset.UTC))

        when:
        def cert = hub.issue('peer-late', pem(keys('Ed25519')), late).certificate()

        then:
        cert.notAfter.toInstant() == caEnd
    }

    def "a CA whose certificate has expired refuses to issue"() {
        given:
        def after = hub.authorityAt(Clock.fixed(hub.ca.signingKey().notAfter().plusSeconds(1), ZoneOffset.UTC))

        when:
        hub.issue('peer-after', pem(keys('Ed25519')), after)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.CA_CERTIFICATE_EXPIRED
    }

    def "every issuance is recorded with an audit event in the caller's transaction; a refused one leaves nothing"() {
        when:
        def issued = hub.issue('peer-audit', pem(keys('Ed25519')))

        then:
        hub.inTx { c -> hub.authority.findBySerial(c, issued.serial()) }.get() == issued
        hub.inTx { c -> hub.authority.findByFingerprint(c, issued.fingerprint().toUpperCase()) }.get() == issued
        auditEvents('ca.certificate_issued', 'peer-audit').size() == 1
        auditEvents('ca.certificate_issued', 'peer-audit')[0].contains(issued.serial())

        when: 'the caller rolls back after a successful issuance'
        String rolledBack = null
        try {
            hub.inTx { c ->
                rolledBack = hub.authority.issue(c, 'peer-rollback', 'hub_x', pem(keys('Ed25519'))).serial()
                throw new IllegalStateException('the peer transition failed')
            }
        } catch (IllegalStateException ignored) {
        }

        then: 'neither the record nor the event survives'
        rolledBack != null
        hub.inTx { c -> hub.authority.findBySerial(c, rolledBack) }.isEmpty()
        auditEvents('ca.certificate_issued', 'peer-rollback').isEmpty()

        when: 'a refused request'
        hub.issue('peer-refused', pem([ca: true], keys('Ed25519')))

        then:
        thrown(EntenteException)
        hub.inTx { c -> hub.authority.listForPeer(c, 'peer-refused') }.isEmpty()
    }

    def "revoking is idempotent and keeps the first time and reason"() {
        given:
        def issued = hub.issue('peer-revoke', pem(keys('Ed25519')))

        when:
        boolean first = hub.inTx { c -> hub.authority.revoke(c, issued.serial().toUpperCase(), 'key compromised') }
        def afterFirst = hub.inTx { c -> hub.authority.findBySerial(c, issued.serial()) }.get()
        boolean second = hub.inTx { c -> hub.authority.revoke(c, issued.serial(), 'again') }
        def afterSecond = hub.inTx { c -> hub.authority.findBySerial(c, issued.serial()) }.get()

        then:
        first
        !second
        afterFirst.revoked()
        afterSecond.revokedAt() == afterFirst.revokedAt()
        afterSecond.revocationReason() == 'key compromised'
        auditEvents('ca.certificate_revoked', 'peer-revoke').size() == 1

        when: 'an unknown serial'
        hub.inTx { c -> hub.authority.revoke(c, 'abcdef', 'nope') }

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.NOT_FOUND
    }

    def "revokeAllForPeer revokes that peer's live certificates only"() {
        given:
        def a1 = hub.issue('peer-all-a', pem(keys('Ed25519')))
        def a2 = hub.issue('peer-all-a', pem(keys('Ed25519')))
        def b = hub.issue('peer-all-b', pem(keys('Ed25519')))

        when:
        def serials = hub.inTx { c -> hub.authority.revokeAllForPeer(c, 'peer-all-a', 'peer revoked') }
        def again = hub.inTx { c -> hub.authority.revokeAllForPeer(c, 'peer-all-a', 'peer revoked') }

        then:
        serials.toSet() == [a1.serial(), a2.serial()].toSet()
        again.isEmpty()
        hub.inTx { c -> hub.authority.listForPeer(c, 'peer-all-a') }.every { it.revoked() }
        !hub.inTx { c -> hub.authority.findBySerial(c, b.serial()) }.get().revoked()
    }

    def "laggards are peers with live certificates under a signer: revoked and expired ones do not count"() {
        given: 'a CA of its own, so other features do not add peers'
        def own = new CaFixture()
        String signer = own.ca.signingKey().fingerprint()
        def p1 = own.issue('lag-1', pem(keys('Ed25519')))
        own.issue('lag-2', pem(keys('Ed25519')))
        def p3 = own.issue('lag-3', pem(keys('Ed25519')))
        own.inTx { c -> own.authority.revoke(c, p3.serial(), 'superseded') }

        expect:
        own.inTx { c -> own.authority.laggards(c, signer, Instant.now()) } == ['lag-1', 'lag-2']
        // a minute past the first expiry: the three issuances may straddle a second boundary
        own.inTx { c -> own.authority.laggards(c, signer, p1.notAfter().plusSeconds(60)) } == []
        own.inTx { c -> own.authority.laggards(c, 'f' * 64, Instant.now()) } == []

        cleanup:
        own?.close()
    }

    def "verifyClientChain accepts a live issued certificate and names its peer"() {
        given:
        def issued = hub.issue('peer-mtls', pem(keys('Ed25519')))

        expect:
        hub.authority.verifyClientChain(issued.certificate(), Instant.now()).peerId() == 'peer-mtls'
    }

    def "verifyClientChain refuses #what with #code"() {
        given:
        def issued = hub.issue('peer-refuse', pem(keys('Ed25519')))
        def (X509Certificate leaf, Instant at) = setup.call(hub, issued)

        when:
        hub.authority.verifyClientChain(leaf, at)

        then:
        EntenteException e = thrown()
        e.code() == code
        e.code().status() == 401

        where:
        what                                   | code                                  | setup
        'a revoked certificate'                | ErrorCode.CLIENT_CERT_REVOKED         | { CaFixture h, IssuedCertificate i -> h.inTx { c -> h.authority.revoke(c, i.serial(), 'test') }; [i.certificate(), Instant.now()] }
        'an expired certificate'               | ErrorCode.CLIENT_CERT_EXPIRED         | { CaFixture h, IssuedCertificate i -> [i.certificate(), i.notAfter().plusSeconds(1)] }
        'a certificate used before notBefore'  | ErrorCode.CLIENT_CERT_NOT_YET_VALID   | { CaFixture h, IssuedCertificate i -> [i.certificate(), i.notBefore().minusSeconds(1)] }
        "another CA's certificate"             | ErrorCode.CLIENT_CERT_UNTRUSTED       | { CaFixture h, IssuedCertificate i -> [otherCaLeaf(), Instant.now()] }
        'the CA certificate itself'            | ErrorCode.CLIENT_CERT_USAGE_INVALID   | { CaFixture h, IssuedCertificate i -> [h.ca.signingKey().certificate(), Instant.now()] }
        'a signed but unrecorded certificate'  | ErrorCode.CLIENT_CERT_UNKNOWN         | { CaFixture h, IssuedCertificate i -> [unrecorded(h), Instant.now()] }
    }

    def "a reload over the same database keeps the CA key and fingerprint"() {
        given:
        def before = hub.ca.signingKey()

        when:
        hub.restart()

        then:
        hub.ca.signingKey().fingerprint() == before.fingerprint()
        hub.ca.signingKey().id() == 'ca_federation-1'
        hub.store.byPurpose(FederationCa.PURPOSE)*.id() == ['ca_federation-1']
        hub.authority.trustBundle().fingerprints() == [before.fingerprint()]
    }

    def "hubs racing the first start create exactly one CA key"() {
        given:
        def fresh = new CaFixture.Empty()
        def pool = Executors.newFixedThreadPool(4)

        when:
        def prints = pool.invokeAll((1..4).collect { { -> fresh.load().signingKey().fingerprint() } as Callable<String> })*.get()

        then:
        prints.toSet().size() == 1
        fresh.store.byPurpose(FederationCa.PURPOSE).size() == 1

        cleanup:
        pool?.shutdownNow()
        fresh?.close()
    }

    def "the CA private key is sealed: no table holds it in plaintext, raw or encoded"() {
        given:
        byte[] pkcs8 = hub.ca.signingKey().privateKey().encoded
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)
        def needles = [pkcs8, seed, Base64.encoder.encode(pkcs8), Base64.encoder.encode(seed),
                       pkcs8.encodeHex().toString().bytes, seed.encodeHex().toString().bytes]

        when:
        def cells = CaFixture.everyCell(hub.tx)

        then:
        cells.size() > 20
        cells.every { cell -> needles.every { needle -> CaFixture.indexOf(cell, needle) < 0 } }

        and: 'and yet it opens through the vault'
        hub.store.byId('ca_federation-1').get().secret() == pkcs8
    }

    def "an ECDSA P-256 CA issues certificates OpenSSL verifies"() {
        given:
        def ec = new CaFixture(CaAlgorithm.ECDSA_P256)

        when:
        def issued = ec.issue('peer-ec', pem(keys('Ed25519')))

        then:
        ec.ca.signingKey().algorithm() == 'EC-P256'
        ec.ca.signingKey().certificate().sigAlgName == 'SHA256withECDSA'
        issued.certificate().sigAlgName == 'SHA256withECDSA'
        CaFixture.opensslVerifies(ec.authority.trustBundle().pem(), issued.certificate())
        ec.authority.verifyClientChain(issued.certificate(), Instant.now()).peerId() == 'peer-ec'

        cleanup:
        ec?.close()
    }

    private List<String> auditEvents(String type, String subject) {
        hub.tx.read { c ->
            def ps = c.prepareStatement('SELECT details FROM audit_events WHERE type = ? AND subject = ? ORDER BY seq')
            ps.setString(1, type)
            ps.setString(2, subject)
            def rs = ps.executeQuery()
            def out = []
            while (rs.next()) out << rs.getString(1)
            out
        }
    }

    private static X509Certificate otherCaLeaf() {
        def other = CaKey.generate('other-1', CaAlgorithm.ED25519, CaFixture.HUB, Instant.now())
        new NodeCertificateSigner(CaFixture.HUB, new CsrPolicy(), Duration.ofDays(1))
                .sign(other, 'peer-refuse', 'hub_x', pem(keys('Ed25519')), Instant.now())
    }

    private static X509Certificate unrecorded(CaFixture h) {
        new NodeCertificateSigner(CaFixture.HUB, new CsrPolicy(), Duration.ofDays(1))
                .sign(h.ca.signingKey(), 'peer-refuse', 'hub_x', pem(keys('Ed25519')), Instant.now())
    }

    private static byte[] ski(X509Certificate cert) {
        byte[] v = cert.getExtensionValue(Extension.subjectKeyIdentifier.id)
        v == null ? null : SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(v)).keyIdentifier
    }

    private static byte[] aki(X509Certificate cert) {
        byte[] v = cert.getExtensionValue(Extension.authorityKeyIdentifier.id)
        AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(v)).keyIdentifier
    }
}
