package dev.entente.controlplane

import java.nio.file.Files
import java.nio.file.Path

/**
 * SoftHSM2 tokens for the PKCS#11 specs, made with {@code softhsm2-util} in a fresh temp token
 * directory. SoftHSM reads its configuration ({@code SOFTHSM2_CONF}, which the build points at
 * {@code target/softhsm2.conf}) and scans its tokens once per process, at its first use: so every
 * token any spec of this JVM needs is made here, at once, before a hub opens one.
 */
class SoftHsm {
    static final String LIBRARY = '/usr/lib/softhsm/libsofthsm2.so'
    static final String PIN = '4711-spec'
    /** One token per use, so specs never share keys. */
    static final List<String> LABELS = ['spec-a', 'spec-b', 'spec-empty', 'spec-start', 'spec-restore']

    private static Path pinFile

    /** Whether SoftHSM2 is installed (CI installs it; a spec without it is skipped and says why). */
    static boolean available() {
        Files.isRegularFile(Path.of(LIBRARY)) && System.getenv('PATH')?.split(':')?.any { Files.isExecutable(Path.of(it, 'softhsm2-util')) }
    }

    /** The settings of a hub whose CA and token-signing keys live in the token {@code label}. */
    static synchronized Map<String, Object> settings(String label) {
        ensureTokens()
        ['entente.keys.store'            : 'pkcs11', 'entente.keys.pkcs11.library': LIBRARY,
         'entente.keys.pkcs11.token-label': label, 'entente.keys.pkcs11.pin-file': pinFile.toString()]
    }

    /** A file holding the tokens' user PIN. */
    static synchronized Path pinFile() {
        ensureTokens()
        pinFile
    }

    private static void ensureTokens() {
        if (pinFile != null) {
            return
        }
        String conf = System.getenv('SOFTHSM2_CONF')
        assert conf: 'SOFTHSM2_CONF is unset: run the specs through Maven (the surefire configuration sets it)'
        Path dir = Files.createTempDirectory('softhsm-tokens')
        Files.writeString(Path.of(conf), "directories.tokendir = $dir\nobjectstore.backend = file\nlog.level = ERROR\n")
        LABELS.each { label ->
            def p = new ProcessBuilder('softhsm2-util', '--init-token', '--free', '--label', label, '--pin', PIN,
                    '--so-pin', 'so-' + PIN).redirectErrorStream(true).start()
            String out = p.inputStream.text
            assert p.waitFor() == 0: out
        }
        Path pin = Files.createTempFile('softhsm-pin', '.txt')
        Files.writeString(pin, PIN + '\n')
        pinFile = pin
    }
}
