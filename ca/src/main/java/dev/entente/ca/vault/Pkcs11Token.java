package dev.entente.ca.vault;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.security.auth.login.LoginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A PKCS#11 token holding the hub's federation CA keys and token-signing keys
 * ({@code entente.keys.store: pkcs11}), through the JDK's SunPKCS11 provider.
 *
 * <p>Keys are generated inside the token as ECDSA P-256 (SunPKCS11 in Java 17 has no Ed25519),
 * persistent, sensitive and not extractable: their private half never leaves it, and the hub
 * holds only handles. Each key is filed in the token's key store under its {@code sealed_keys}
 * id as alias, with a certificate (SunPKCS11 lists a private key only together with one): the CA
 * certificate for a CA key, a self-signed holder certificate for a token-signing key. A key
 * generated in a transaction that then rolls back stays in the token, unfiled or under an alias
 * nothing catalogues, and is never used.
 *
 * <p>SunPKCS11 picks a slot by number or list position only, and SoftHSM (like other modules)
 * numbers slots anew as tokens come and go; so the slot is found here by the token's label, by
 * asking the module itself ({@code C_GetSlotList}, {@code C_GetTokenInfo}).
 */
public final class Pkcs11Token {
    /** The {@code sealed_keys.store} of keys held by a token. */
    public static final String STORE = "pkcs11";
    /** The {@code sealed_keys.algorithm} of every key a token generates. */
    public static final String ALGORITHM = "EC-P256";

    private static final long CKR_OK = 0;
    private static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
    private static final long CKF_OS_LOCKING_OK = 0x2;
    private static final int LABEL_BYTES = 32;
    /** A CK_ULONG, as large as a pointer on the 64-bit Linux the hub runs on. */
    private static final long WORD = NativeLong.SIZE;
    // Listing slots initialises the module; serialised so that two hubs in one JVM do not finalise it under each other.
    private static final Object MODULE = new Object();

    private final String label;
    private final Provider provider;
    private final KeyStore keyStore;

    private Pkcs11Token(String label, Provider provider, KeyStore keyStore) {
        this.label = label;
        this.provider = provider;
        this.keyStore = keyStore;
    }

    /**
     * Finds the token labelled {@code label} in {@code library} and logs in with the PIN in
     * {@code pinFile}. Each way this can fail has its own code, so a start stops with the fix.
     *
     * @throws EntenteException {@link ErrorCode#PKCS11_PIN_FILE_UNREADABLE},
     *                          {@link ErrorCode#PKCS11_LIBRARY_UNUSABLE},
     *                          {@link ErrorCode#PKCS11_TOKEN_NOT_FOUND} or {@link ErrorCode#PKCS11_PIN_INCORRECT}
     */
    public static Pkcs11Token open(Path library, String label, Path pinFile) {
        char[] pin = readPin(pinFile);
        if (label == null || label.isBlank()) {
            throw new EntenteException(ErrorCode.PKCS11_TOKEN_NOT_FOUND, "entente.keys.pkcs11.token-label is not set; "
                    + "set it to the label the token was initialised with (softhsm2-util --show-slots lists them)");
        }
        if (library == null || !Files.isRegularFile(library) || !Files.isReadable(library)) {
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, "entente.keys.pkcs11.library "
                    + (library == null ? "is not set" : library + " does not exist or is not readable")
                    + "; set it to the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so");
        }
        Provider provider;
        synchronized (MODULE) {
            long slot = slotOf(library, label);
            String config = "--name = entente\n"
                    + "library = " + library.toAbsolutePath() + "\n"
                    + "slot = " + slot + "\n"
                    // every key generated through this provider is a token object that never leaves the token
                    + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
                    + "  CKA_TOKEN = true\n  CKA_PRIVATE = true\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
            try {
                provider = Security.getProvider("SunPKCS11").configure(config);
            } catch (RuntimeException e) {
                throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, "SunPKCS11 cannot use " + library
                        + " for token '" + label + "': " + rootMessage(e), e);
            }
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return new Pkcs11Token(label, provider, ks);
        } catch (IOException e) {
            if (hasCause(e, LoginException.class)) {
                throw new EntenteException(ErrorCode.PKCS11_PIN_INCORRECT, "token '" + label + "' refused the PIN in "
                        + pinFile + " (" + rootMessage(e) + "); put the token's user PIN in that file", e);
            }
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, "cannot open the key store of token '" + label
                    + "': " + rootMessage(e), e);
        } catch (GeneralSecurityException e) {
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, "cannot open the key store of token '" + label
                    + "': " + rootMessage(e), e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** The token's label. */
    public String label() {
        return label;
    }

    /** How {@code keys list}, {@code ca status} and {@code tls info} name where a key lives: {@code pkcs11:<label>}. */
    public String where() {
        return STORE + ":" + label;
    }

    /** The provider every signature with a key of this token goes through. */
    public Provider provider() {
        return provider;
    }

    /**
     * Generates an ECDSA P-256 key pair inside the token; the private key returned is a handle.
     * It is found again after a restart only once {@link #file filed} under an alias.
     */
    public synchronized KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unreachable("cannot generate a key in", e);
        }
    }

    /** Files a key {@link #generate} made under {@code alias}, with {@code certificate} for its public key. */
    public synchronized void file(String alias, PrivateKey key, X509Certificate certificate) {
        try {
            keyStore.setKeyEntry(alias, key, null, new Certificate[]{certificate});
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unreachable("cannot file key " + alias + " in", e);
        }
    }

    /**
     * The handle of the key filed under {@code alias}.
     *
     * @throws EntenteException {@link ErrorCode#PKCS11_KEY_MISSING} when the token holds no such key
     */
    public synchronized PrivateKey privateKey(String alias) {
        try {
            if (keyStore.getKey(alias, null) instanceof PrivateKey key) {
                return key;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unreachable("cannot read key " + alias + " from", e);
        }
        throw missing(alias);
    }

    /** The aliases of every key in the token, read from it now. */
    public synchronized Set<String> aliases() {
        try {
            Set<String> out = new TreeSet<>();
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    out.add(alias);
                }
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unreachable("cannot list the keys of", e);
        }
    }

    /** Destroys the key filed under {@code alias} and its certificate; nothing when there is none. */
    public synchronized void destroy(String alias) {
        try {
            if (keyStore.containsAlias(alias)) {
                keyStore.deleteEntry(alias);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unreachable("cannot destroy key " + alias + " in", e);
        }
    }

    /** The error for a catalogued key the token does not hold. */
    public EntenteException missing(String alias) {
        return new EntenteException(ErrorCode.PKCS11_KEY_MISSING, "key " + alias + " is catalogued in sealed_keys as held "
                + "by PKCS#11 token '" + label + "', which does not hold it: the hub is configured with another token "
                + "than the one its keys were made in, or the key was deleted from the token; see 'entente doctor --explain "
                + "pkcs11_key_missing'");
    }

    /** The error for a catalogued key a token holds, on a hub configured with no token. */
    public static EntenteException notConfigured(String alias) {
        return new EntenteException(ErrorCode.PKCS11_KEY_MISSING, "key " + alias + " is catalogued in sealed_keys as held by "
                + "a PKCS#11 token, and this process runs with entente.keys.store: sealed; give it the token's settings "
                + "(entente.keys.store: pkcs11 and entente.keys.pkcs11.*), as every process of this hub needs");
    }

    private EntenteException unreachable(String what, Exception e) {
        return new EntenteException(ErrorCode.PKCS11_TOKEN_FAILED, what + " PKCS#11 token '" + label + "': " + rootMessage(e)
                + "; check that the token is present and answers ('entente doctor' reports DR030)", e);
    }

    private static char[] readPin(Path pinFile) {
        if (pinFile == null) {
            throw new EntenteException(ErrorCode.PKCS11_PIN_FILE_UNREADABLE, "entente.keys.pkcs11.pin-file is not set; "
                    + "set it to a file (mode 0600) holding the token's user PIN");
        }
        String text;
        try {
            text = Files.readString(pinFile, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new EntenteException(ErrorCode.PKCS11_PIN_FILE_UNREADABLE, "cannot read the PKCS#11 PIN file " + pinFile
                    + ": " + rootMessage(e) + "; it must be readable by the user the hub runs as", e);
        }
        if (text.isEmpty()) {
            throw new EntenteException(ErrorCode.PKCS11_PIN_FILE_UNREADABLE, "the PKCS#11 PIN file " + pinFile
                    + " is empty; put the token's user PIN in it");
        }
        return text.toCharArray();
    }

    /**
     * The id of the slot whose token is labelled {@code label}, asked of the module directly. When
     * this call initialised the module it finalises it again, so that SunPKCS11 initialises it with
     * its own arguments; when the module was initialised already (another token of this JVM), it is left as it is.
     */
    private static long slotOf(Path library, String label) {
        NativeLibrary module;
        try {
            module = NativeLibrary.getInstance(library.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, library + " cannot be loaded: " + e.getMessage()
                    + "; set entente.keys.pkcs11.library to the token's PKCS#11 module");
        }
        List<String> labels = new ArrayList<>();
        Long found = null;
        boolean initialisedHere;
        try {
            // CK_C_INITIALIZE_ARGS: four null mutex functions, then flags; OS locking, since SunPKCS11 calls from many threads
            Memory args = new Memory(6L * WORD);
            args.clear();
            args.setLong(4L * WORD, CKF_OS_LOCKING_OK);
            long rv = call(module, "C_Initialize", args);
            if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, library + " refused C_Initialize (CKR 0x"
                        + Long.toHexString(rv) + ")");
            }
            initialisedHere = rv == CKR_OK;
            try {
                Memory count = new Memory(WORD);
                count.setLong(0, 0);
                check(library, "C_GetSlotList", call(module, "C_GetSlotList", (byte) 1, Pointer.NULL, count));
                long n = count.getLong(0);
                if (n > 0) {
                    Memory slots = new Memory(n * WORD);
                    check(library, "C_GetSlotList", call(module, "C_GetSlotList", (byte) 1, slots, count));
                    for (int i = 0; i < count.getLong(0); i++) {
                        long slot = slots.getLong((long) i * WORD);
                        // CK_TOKEN_INFO starts with the label: 32 bytes of UTF-8, padded with blanks
                        Memory info = new Memory(1024);
                        if (call(module, "C_GetTokenInfo", new NativeLong(slot), info) != CKR_OK) {
                            continue;
                        }
                        String name = new String(info.getByteArray(0, LABEL_BYTES), StandardCharsets.UTF_8).strip();
                        labels.add(name);
                        if (name.equals(label) && found == null) {
                            found = slot;
                        }
                    }
                }
            } finally {
                if (initialisedHere) {
                    call(module, "C_Finalize", Pointer.NULL);
                }
            }
        } catch (UnsatisfiedLinkError e) {
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, library + " is not a PKCS#11 module: "
                    + e.getMessage());
        }
        if (found == null) {
            throw new EntenteException(ErrorCode.PKCS11_TOKEN_NOT_FOUND, "no token labelled '" + label + "' in " + library
                    + (labels.isEmpty() ? " (it has no initialised token)" : " (its tokens: " + String.join(", ", labels) + ")")
                    + "; set entente.keys.pkcs11.token-label to one of them, or initialise the token");
        }
        return found;
    }

    private static long call(NativeLibrary module, String function, Object... args) {
        return module.getFunction(function).invokeLong(args);
    }

    private static void check(Path library, String function, long rv) {
        if (rv != CKR_OK) {
            throw new EntenteException(ErrorCode.PKCS11_LIBRARY_UNUSABLE, library + " failed " + function + " (CKR 0x"
                    + Long.toHexString(rv) + ")");
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
