package dev.entente.ca.crypto

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers
import org.bouncycastle.asn1.x500.X500Name
import org.bouncycastle.asn1.x509.BasicConstraints
import org.bouncycastle.asn1.x509.Extension
import org.bouncycastle.asn1.x509.ExtensionsGenerator
import org.bouncycastle.asn1.x509.GeneralName
import org.bouncycastle.asn1.x509.GeneralNames
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder

import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.spec.ECGenParameterSpec

/**
 * Builds certificate signing requests for specs, hostile ones included (CA:true, foreign
 * subjects and SANs). Lives in the crypto test package because it needs BouncyCastle.
 */
class TestCsrs {
    static KeyPair keys(String kind) {
        switch (kind) {
            case 'Ed25519': return KeyPairGenerator.getInstance('Ed25519').generateKeyPair()
            case 'Ed448': return KeyPairGenerator.getInstance('Ed448').generateKeyPair()
            case ~/P-(\d+)/:
                def g = KeyPairGenerator.getInstance('EC')
                g.initialize(new ECGenParameterSpec("secp${kind.substring(2)}r1"))
                return g.generateKeyPair()
            case ~/RSA-(\d+)/:
                def g = KeyPairGenerator.getInstance('RSA')
                g.initialize(kind.substring(4) as int)
                return g.generateKeyPair()
            default: throw new IllegalArgumentException(kind)
        }
    }

    static String signatureAlgorithm(KeyPair keys) {
        switch (keys.private.algorithm) {
            case 'EdDSA': case 'Ed25519': case 'Ed448': return keys.private.params.name // the JDK calls both EdDSA
            case 'EC': return 'SHA384withECDSA'
            case 'RSA': return 'SHA256withRSA'
        }
    }

    /** DER of a request; options: subject (DN string), sans (list of URIs/DNS names), ca (boolean). */
    static byte[] der(Map opts = [:], KeyPair keys) {
        def builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(opts.subject ?: 'CN=requested-node'), keys.public)
        if (opts.sans || opts.containsKey('ca')) {
            def ext = new ExtensionsGenerator()
            if (opts.containsKey('ca')) {
                ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(opts.ca as boolean))
            }
            if (opts.sans) {
                ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(opts.sans.collect {
                    it.contains('://') ? new GeneralName(GeneralName.uniformResourceIdentifier, it) : new GeneralName(GeneralName.dNSName, it)
                } as GeneralName[]))
            }
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        }
        builder.build(new JcaContentSignerBuilder(signatureAlgorithm(keys)).build(keys.private)).encoded
    }

    static byte[] pem(Map opts = [:], KeyPair keys) {
        Certificates.pem('CERTIFICATE REQUEST', der(opts, keys)).bytes
    }

    /** The request with the last byte of its signature flipped. */
    static byte[] tamperedSignature(KeyPair keys) {
        byte[] d = der(keys)
        d[d.length - 1] ^= 0x01
        d
    }

    /** The request with its signed subject edited after signing. */
    static byte[] tamperedSubject(KeyPair keys) {
        byte[] d = der([subject: 'CN=peer-aaaa'], keys)
        int i = indexOf(d, 'peer-aaaa'.bytes)
        'peer-bbbb'.bytes.eachWithIndex { b, j -> d[i + j] = b }
        d
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return i
        }
        -1
    }
}
