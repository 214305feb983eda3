package dev.entente.federation.grant;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * One source CIDR of a grant, IPv4 or IPv6, parsed from its literal text without any name lookup
 * ({@link InetAddress#getByName} would resolve a host name: a grant must never depend on DNS).
 *
 * <p>Rules, chosen so that what is stored is exactly what is enforced:
 * <ul>
 *   <li>A bare address is a single host: {@code 203.0.113.7} is {@code 203.0.113.7/32},
 *       {@code 2001:db8::1} is {@code 2001:db8::1/128}.</li>
 *   <li>Host bits set are <b>refused</b>, not silently masked: {@code 10.1.2.3/8} most likely
 *       means a typo, and masking it would widen the grant to all of {@code 10.0.0.0/8} without
 *       the operator seeing it. The message suggests the network address.</li>
 *   <li>IPv4 is four decimal octets without leading zeros ({@code 010.0.0.1} reads as octal to
 *       some tools and decimal to others). IPv6 follows RFC 4291 text forms (with {@code ::} and
 *       a trailing dotted quad), no zone ids; it is stored in RFC 5952 canonical form.</li>
 *   <li>IPv4-mapped ranges ({@code ::ffff:10.0.0.0/104}) are refused: write them as IPv4. Sources
 *       arriving as IPv4-mapped IPv6 ({@code ::ffff:127.0.0.1}, a dual-stack socket) are matched as
 *       the IPv4 address they carry, against IPv4 CIDRs only ({@link #normalise}).</li>
 * </ul>
 *
 * @param ipv6   whether this is an IPv6 CIDR
 * @param hi     IPv6: the network's upper 64 bits; IPv4: 0
 * @param lo     IPv6: the network's lower 64 bits; IPv4: the network address in the low 32 bits
 * @param prefix the prefix length (0–32 or 0–128)
 */
public record Cidr(boolean ipv6, long hi, long lo, int prefix) {

    public Cidr {
        int max = ipv6 ? 128 : 32;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix " + prefix + " out of range 0-" + max);
        }
    }

    /**
     * Parses {@code text} ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 203.0.113.7}).
     *
     * @throws EntenteException {@code invalid_request} with a message naming the problem
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("empty source cidr");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw invalid("source cidr '" + text + "' is not an IPv4 or IPv6 address or CIDR "
                    + "(e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)");
        }
        boolean v6 = bytes.length == 16;
        int max = v6 ? 128 : 32;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(p) > max) {
                throw invalid("source cidr '" + text + "' has prefix '" + p + "'; "
                        + (v6 ? "IPv6" : "IPv4") + " prefixes are 0-" + max);
            }
            prefix = Integer.parseInt(p);
        }
        long hi = v6 ? toLong(bytes, 0) : 0;
        long lo = v6 ? toLong(bytes, 8) : Integer.toUnsignedLong(toInt(bytes));
        Cidr network = v6 ? new Cidr(true, hi & maskHi(prefix), lo & maskLo(prefix), prefix)
                : new Cidr(false, 0, lo & Integer.toUnsignedLong(mask4(prefix)), prefix);
        if (network.hi != hi || network.lo != lo) {
            throw invalid("source cidr '" + text + "' has host bits set; did you mean " + network + "?");
        }
        if (v6 && prefix >= 96 && hi == 0 && (lo >>> 32) == 0xffffL) {
            throw invalid("source cidr '" + text + "' is an IPv4-mapped range; write it as IPv4: "
                    + new Cidr(false, 0, lo & 0xffffffffL, prefix - 96));
        }
        return network;
    }

    /**
     * The address {@code text} as an {@link InetAddress}, from its literal form only (never a
     * name lookup); for {@code grants explain --source-ip}. IPv4-mapped IPv6 literals come back
     * as the IPv4 address, as the JDK does.
     *
     * @throws EntenteException {@code invalid_request} when it is not an IPv4 or IPv6 literal
     */
    public static InetAddress parseAddress(String text) {
        byte[] bytes = text == null ? null : literal(text.trim());
        if (bytes == null) {
            throw invalid("source ip '" + text + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: " + bytes.length + " address bytes", e);
        }
    }

    /**
     * The bytes to match {@code address} with: 4 for IPv4 and for IPv4-mapped IPv6
     * ({@code ::ffff:a.b.c.d}, as a dual-stack socket reports an IPv4 client), else 16.
     */
    public static byte[] normalise(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isMapped(b)) {
            return new byte[]{b[12], b[13], b[14], b[15]};
        }
        return b;
    }

    /**
     * {@code address} as operators read it in details: dotted quad, {@code ::ffff:a.b.c.d} for an
     * IPv4-mapped IPv6 address, otherwise RFC 5952 IPv6.
     */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return new Cidr(false, 0, Integer.toUnsignedLong(toInt(b)), 32).toString().replace("/32", "");
        }
        if (isMapped(b)) {
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        String s = new Cidr(true, toLong(b, 0), toLong(b, 8), 128).toString();
        return s.substring(0, s.length() - "/128".length());
    }

    /** Whether {@code address} (after {@link #normalise}) is in this CIDR. */
    public boolean contains(InetAddress address) {
        byte[] b = normalise(address);
        if ((b.length == 16) != ipv6) {
            return false;
        }
        if (!ipv6) {
            return (toInt(b) & mask4(prefix)) == (int) lo;
        }
        return (toLong(b, 0) & maskHi(prefix)) == hi && (toLong(b, 8) & maskLo(prefix)) == lo;
    }

    /** Canonical text: dotted quad, or RFC 5952 IPv6; always with the prefix. */
    @Override
    public String toString() {
        if (!ipv6) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "."
                    + (lo & 0xff) + "/" + prefix;
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.append('/').append(prefix).toString();
    }

    // --- masks and conversions, shared with CompiledGrant ---

    static int mask4(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    static long maskHi(int prefix) {
        return prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    static long maskLo(int prefix) {
        return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    static int toInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = off; i < off + 8; i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or {@code null}. */
    static byte[] literal(String s) {
        Objects.requireNonNull(s, "s");
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!p.matches("0|[1-9][0-9]{0,2}")) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+")) {
            return null; // zone ids (%eth0), brackets, anything else
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return null;
        }
        String head = dc < 0 ? s : s.substring(0, dc);
        String tail = dc < 0 ? "" : s.substring(dc + 2);
        int[] h = groups(head, dc < 0);
        int[] t = groups(tail, true);
        if (h == null || t == null) {
            return null;
        }
        int n = h.length + t.length;
        if (dc < 0 ? n != 8 : n > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = (byte) (h[i] >>> 8);
            out[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int g = 8 - t.length + i;
            out[2 * g] = (byte) (t[i] >>> 8);
            out[2 * g + 1] = (byte) t[i];
        }
        return out;
    }

    // Colon-separated 16-bit groups; a dotted quad is allowed as the very last part (2 groups).
    private static int[] groups(String part, boolean mayEndWithIpv4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int[] out = new int[pieces.length + 1];
        int n = 0;
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (p.indexOf('.') >= 0) {
                byte[] v4 = i == pieces.length - 1 && mayEndWithIpv4 ? ipv4(p) : null;
                if (v4 == null) {
                    return null;
                }
                out[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                out[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
            } else {
                if (p.isEmpty() || p.length() > 4) {
                    return null;
                }
                out[n++] = Integer.parseInt(p.toLowerCase(Locale.ROOT), 16);
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static EntenteException invalid(String message) {
        return new EntenteException(ErrorCode.INVALID_REQUEST, message);
    }
}
