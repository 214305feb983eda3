package dev.entente.bench;

import dev.entente.federation.grant.CompiledGrant;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantMatcher;
import dev.entente.federation.grant.GrantState;
import dev.entente.federation.grant.Permission;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * In-process grant decisions: {@link GrantMatcher#decide} over {@value #GRANTS} compiled grants,
 * each with 1–4 instance ids, 1–3 network ids and 3–6 source CIDRs (IPv4 and IPv6 mixed, prefixes
 * /8–/32 and /32–/128). One operation is one decision: look the grant up by id, then state,
 * expiry, permission, instance, network and source checks, stopping at the first failure (the
 * federation API's order). No database, no audit.
 *
 * <p>The calls cycle through {@value #REQUESTS} precomputed requests (seeded, so every run sees the
 * same mix): about 70% apply, the rest fail one of permission, instance, network, source (IPv4,
 * IPv6 and IPv4-mapped IPv6 sources) or name an unknown grant. Sources are {@link InetAddress}es
 * as a socket layer hands them over, so the address's byte-array copy is part of the cost.
 */
public class GrantMatchBenchmark {
    static final int GRANTS = 10_000;
    static final int REQUESTS = 1 << 14;

    /** One call to decide. */
    record Request(UUID grantId, int permissionBit, String instanceId, String networkId, InetAddress source) {
    }

    /** The matcher and the requests, shared by all threads (both are read-only while measuring). */
    @State(Scope.Benchmark)
    public static class Fixture {
        GrantMatcher matcher;
        Request[] requests;
        long nowNanos;
        int[] verdicts = new int[CompiledGrant.UNKNOWN + 1];

        @Setup
        public void setUp() {
            Random rnd = new Random(20261123L);
            Instant now = Instant.parse("2026-11-23T12:00:00Z");
            nowNanos = CompiledGrant.epochNanos(now);
            List<Grant> grants = new ArrayList<>(GRANTS);
            List<List<byte[][]>> ranges = new ArrayList<>(GRANTS); // per grant: {network bytes, prefix}
            for (int g = 0; g < GRANTS; g++) {
                Set<Permission> scopes = rnd.nextBoolean() ? EnumSet.of(Permission.READ)
                        : EnumSet.of(Permission.READ, Permission.WRITE);
                List<String> instances = ids("i-", 1 + rnd.nextInt(4), rnd);
                List<String> networks = ids("net-", 1 + rnd.nextInt(3), rnd);
                List<String> cidrs = new ArrayList<>();
                List<byte[][]> grantRanges = new ArrayList<>();
                int n = 3 + rnd.nextInt(4);
                for (int c = 0; c < n; c++) {
                    boolean v6 = rnd.nextInt(3) == 0;
                    int prefix = v6 ? 32 + rnd.nextInt(97) : 8 + rnd.nextInt(25);
                    byte[] net = mask(random(v6 ? 16 : 4, rnd), prefix);
                    cidrs.add(text(net) + "/" + prefix);
                    grantRanges.add(new byte[][]{net, {(byte) prefix}});
                }
                grants.add(new Grant(new UUID(rnd.nextLong(), rnd.nextLong()), new UUID(0, g), GrantState.ACTIVE, 0,
                        scopes, instances, networks, cidrs, now.plus(Duration.ofDays(30)), "bench", null, now, now, now));
                ranges.add(grantRanges);
            }
            matcher = GrantMatcher.of(grants);
            requests = new Request[REQUESTS];
            for (int r = 0; r < REQUESTS; r++) {
                int g = rnd.nextInt(GRANTS);
                Grant grant = grants.get(g);
                byte[][] range = ranges.get(g).get(rnd.nextInt(ranges.get(g).size()));
                byte[] inside = fill(range[0], range[1][0] & 0xff, rnd);
                UUID id = grant.id();
                int bit = Permission.READ.bit();
                String instance = grant.instanceIds().get(rnd.nextInt(grant.instanceIds().size()));
                String network = grant.networkIds().get(rnd.nextInt(grant.networkIds().size()));
                InetAddress source = address(inside.length == 4 && rnd.nextInt(4) == 0 ? mapped(inside) : inside);
                switch (rnd.nextInt(20)) {
                    case 0 -> bit = Permission.WRITE.bit();                      // fails on read-only grants
                    case 1 -> instance = "i-unknown";
                    case 2 -> network = null;                                    // header missing
                    case 3 -> source = address(random(16, rnd));                 // almost surely outside
                    case 4 -> source = address(mapped(random(4, rnd)));
                    case 5 -> id = new UUID(rnd.nextLong(), rnd.nextLong());     // unknown grant
                    default -> { }
                }
                requests[r] = new Request(id, bit, instance, network, source);
                verdicts[matcher.decide(id, bit, instance, network, source, nowNanos)]++;
            }
        }
    }

    /** Each thread walks the requests from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Thread.currentThread().getId() * 7919);
    }

    @Benchmark
    public int decide(Fixture f, Cursor c) {
        Request r = f.requests[c.next++ & (REQUESTS - 1)];
        return f.matcher.decide(r.grantId(), r.permissionBit(), r.instanceId(), r.networkId(), r.source(), f.nowNanos);
    }

    // --- data ---

    static List<String> ids(String prefix, int n, Random rnd) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + rnd.nextInt(100_000));
        }
        return out;
    }

    static byte[] random(int length, Random rnd) {
        byte[] b = new byte[length];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] mask(byte[] b, int prefix) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** A random address inside net/prefix. */
    static byte[] fill(byte[] net, int prefix, Random rnd) {
        byte[] host = random(net.length, rnd);
        byte[] out = net.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            int hostMask = ~(0xff << (8 - keep)) & 0xff;
            out[i] = (byte) (out[i] | (host[i] & hostMask));
        }
        return out;
    }

    static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /** Keeps IPv4-mapped bytes as an Inet6Address (InetAddress.getByAddress would turn them into IPv4). */
    static InetAddress address(byte[] b) {
        try {
            return b.length == 16 ? java.net.Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                s.append(':');
            }
            s.append(Integer.toHexString((b[i] & 0xff) << 8 | (b[i + 1] & 0xff)));
        }
        return s.toString();
    }
}
