package dev.entente.lifecycle.audit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A head of the chain: the number of events and the HMAC of the last one (32 zero bytes for an
 * empty chain). Anchored outside the database, it is what a truncation cannot take back.
 */
public record AuditHead(long seq, byte[] hmac) {
    public AuditHead {
        if (seq < 0 || hmac == null || hmac.length != 32) {
            throw new IllegalArgumentException("an audit head is a seq >= 0 and a 32-byte hmac");
        }
        hmac = hmac.clone();
    }

    @Override
    public byte[] hmac() {
        return hmac.clone();
    }

    public String hmacHex() {
        return HexFormat.of().formatHex(hmac);
    }

    /** Same seq and hmac. */
    public boolean sameAs(AuditHead other) {
        return other != null && seq == other.seq && Arrays.equals(hmac, other.hmac);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditHead h && sameAs(h);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(hmac);
    }

    @Override
    public String toString() {
        return "AuditHead[" + seq + ", " + hmacHex() + "]";
    }
}
