package dev.entente.ca.crypto

import spock.lang.Specification

import javax.crypto.KeyAgreement
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLServerSocket
import javax.net.ssl.SSLSocket
import javax.net.ssl.TrustManager
import javax.net.ssl.X509TrustManager
import java.security.InvalidKeyException
import java.security.KeyFactory
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.NoSuchAlgorithmException
import java.security.cert.CertificateException
import java.security.cert.X509Certificate
import java.security.interfaces.XECPrivateKey
import java.security.interfaces.XECPublicKey
import java.security.spec.NamedParameterSpec
import java.security.spec.XECPublicKeySpec
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/**
 * Issue 15: the TLS handshake's X25519 moved from SunEC to BouncyCastle's RFC 7748 code, next to
 * Ed25519. X25519 is a function: the same keys must give SunEC's very bytes, whichever provider
 * made them, and JSSE must pick the provider for X25519 only.
 */
class Curve25519ProviderSpec extends Specification {
    def setupSpec() {
        Curve25519Provider.install()
    }

    def "JSSE's calls for X25519 land on the provider; X448 falls through to SunEC"() {
        when:
        KeyPairGenerator x25519 = KeyPairGenerator.getInstance('XDH')
        x25519.initialize(NamedParameterSpec.X25519)
        KeyPair pair = x25519.generateKeyPair()
        KeyAgreement agreement = KeyAgreement.getInstance('XDH')
        agreement.init(pair.private)

        KeyPairGenerator x448 = KeyPairGenerator.getInstance('XDH')
        x448.initialize(NamedParameterSpec.X448)
        KeyPair pair448 = x448.generateKeyPair()
        KeyAgreement agreement448 = KeyAgreement.getInstance('XDH')
        agreement448.init(pair448.private)

        then:
        x25519.provider.getName() == Curve25519Provider.NAME
        agreement.provider.getName() == Curve25519Provider.NAME
        (pair.public as XECPublicKey).params.name == 'X25519'
        pair.public.encoded.length == 44
        (pair448.public as XECPublicKey).params.name == 'X448'
        agreement448.provider.getName() == 'SunEC'
    }

    def "an agreement gives SunEC's secret, with keys from either provider, both ways"() {
        given:
        KeyPair ours = KeyPairGenerator.getInstance('XDH', Curve25519Provider.NAME).with {
            initialize(NamedParameterSpec.X25519); generateKeyPair()
        }
        KeyPair theirs = KeyPairGenerator.getInstance('XDH', 'SunEC').with {
            initialize(NamedParameterSpec.X25519); generateKeyPair()
        }

        expect:
        secret(Curve25519Provider.NAME, ours, theirs) == secret('SunEC', ours, theirs)
        secret(Curve25519Provider.NAME, theirs, ours) == secret('SunEC', theirs, ours)
        secret(Curve25519Provider.NAME, ours, theirs) == secret(Curve25519Provider.NAME, theirs, ours)

        where:
        round << (1..20)
    }

    def "a public key from the wire (u as JSSE decodes it) gives SunEC's secret"() {
        given:
        KeyPair ours = KeyPairGenerator.getInstance('XDH', Curve25519Provider.NAME).with {
            initialize(NamedParameterSpec.X25519); generateKeyPair()
        }
        XECPublicKey peer = KeyFactory.getInstance('XDH', 'SunEC').generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, u)) as XECPublicKey

        expect:
        agree(Curve25519Provider.NAME, ours.private, peer) == agree('SunEC', ours.private, peer)

        where:
        u << [BigInteger.valueOf(9), new BigInteger('2' * 70), BigInteger.ONE.shiftLeft(254).add(BigInteger.valueOf(12345)),
              // above p: reduced as SunEC reduces it
              BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(10))]
    }

    def "a small-order point is refused, as SunEC refuses it"() {
        given:
        KeyPair ours = KeyPairGenerator.getInstance('XDH', Curve25519Provider.NAME).generateKeyPair()
        XECPublicKey zero = KeyFactory.getInstance('XDH', 'SunEC').generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.ZERO)) as XECPublicKey

        when:
        agree(Curve25519Provider.NAME, ours.private, zero)

        then:
        thrown(InvalidKeyException)
    }

    def "the secret is handed out once, raw or as TLS's premaster secret, and under no other name"() {
        given:
        KeyPair a = KeyPairGenerator.getInstance('XDH', Curve25519Provider.NAME).generateKeyPair()
        KeyPair b = KeyPairGenerator.getInstance('XDH', Curve25519Provider.NAME).generateKeyPair()
        KeyAgreement ka = KeyAgreement.getInstance('XDH', Curve25519Provider.NAME)

        when:
        ka.init(a.private)
        ka.doPhase(b.public, true)
        def premaster = ka.generateSecret('TlsPremasterSecret')

        then:
        premaster.algorithm == 'TlsPremasterSecret'
        premaster.encoded == agree('SunEC', a.private, b.public as XECPublicKey)

        when:
        ka.generateSecret()

        then:
        thrown(IllegalStateException)

        when:
        ka.doPhase(b.public, true)
        ka.generateSecret('AES')

        then:
        thrown(NoSuchAlgorithmException)
    }

    def "keys made here are the JDK's X25519 keys"() {
        when:
        KeyPair pair = KeyPairGenerator.getInstance('X25519', Curve25519Provider.NAME).generateKeyPair()
        def decoded = KeyFactory.getInstance('XDH', 'SunEC').generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(pair.private.encoded)) as XECPrivateKey

        then:
        pair.private instanceof XECPrivateKey
        decoded.scalar.get() == (pair.private as XECPrivateKey).scalar.get()
        pair.public.algorithm == 'XDH'
    }

    def "a TLS 1.3 handshake with Ed25519 certificates on both sides still works, client certificate included"() {
        given:
        KeyPair serverKeys = Certificates.ed25519()
        X509Certificate serverCert = Certificates.selfSigned(serverKeys, 'server', Set.of('127.0.0.1'),
                Instant.now() - Duration.ofMinutes(5), Duration.ofDays(1))
        KeyPair clientKeys = Certificates.ed25519()
        X509Certificate clientCert = Certificates.selfSigned(clientKeys, 'client', Set.of('127.0.0.1'),
                Instant.now() - Duration.ofMinutes(5), Duration.ofDays(1))
        SSLContext server = context(serverKeys, serverCert, clientCert)
        SSLContext client = context(clientKeys, clientCert, serverCert)
        SSLServerSocket listening = server.serverSocketFactory.createServerSocket(0, 1, InetAddress.loopbackAddress) as SSLServerSocket
        listening.enabledProtocols = ['TLSv1.3'] as String[]
        listening.needClientAuth = true
        def accepted = CompletableFuture.supplyAsync {
            SSLSocket s = listening.accept() as SSLSocket
            s.startHandshake()
            String seen = Certificates.fingerprint(s.session.peerCertificates[0] as X509Certificate)
            s.outputStream.write(1)
            s.close()
            seen
        }

        when:
        SSLSocket socket = client.socketFactory.createSocket(InetAddress.loopbackAddress, listening.localPort) as SSLSocket
        socket.enabledProtocols = ['TLSv1.3'] as String[]
        socket.startHandshake()
        int read = socket.inputStream.read()

        then:
        read == 1
        socket.session.protocol == 'TLSv1.3'
        Certificates.fingerprint(socket.session.peerCertificates[0] as X509Certificate) == Certificates.fingerprint(serverCert)
        accepted.get(10, TimeUnit.SECONDS) == Certificates.fingerprint(clientCert)

        cleanup:
        socket?.close()
        listening?.close()
    }

    private static byte[] secret(String provider, KeyPair local, KeyPair remote) {
        agree(provider, local.private, remote.public as XECPublicKey)
    }

    private static byte[] agree(String provider, java.security.PrivateKey local, XECPublicKey remote) {
        KeyAgreement ka = KeyAgreement.getInstance('XDH', provider)
        ka.init(local)
        ka.doPhase(remote, true)
        ka.generateSecret()
    }

    /** Presents {@code cert}; trusts exactly {@code peer}. */
    private static SSLContext context(KeyPair keys, X509Certificate cert, X509Certificate peer) {
        KeyStore ks = KeyStore.getInstance('PKCS12')
        ks.load(null, null)
        ks.setKeyEntry('me', keys.private, new char[0], [cert] as X509Certificate[])
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.defaultAlgorithm)
        kmf.init(ks, new char[0])
        X509TrustManager trust = new X509TrustManager() {
            void checkClientTrusted(X509Certificate[] chain, String authType) { check(chain) }

            void checkServerTrusted(X509Certificate[] chain, String authType) { check(chain) }

            X509Certificate[] getAcceptedIssuers() { [] as X509Certificate[] }

            private void check(X509Certificate[] chain) {
                if (chain[0] != peer) {
                    throw new CertificateException('not the expected peer')
                }
            }
        }
        SSLContext ctx = SSLContext.getInstance('TLSv1.3')
        ctx.init(kmf.keyManagers, [trust] as TrustManager[], null)
        ctx
    }
}
