package dev.entente.heartbeat.schedule;

import org.quartz.spi.InstanceIdGenerator;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Quartz instance ids that stay unique for every scheduler in the cluster: host, process id,
 * a per-process counter and a random suffix.
 *
 * <p>Quartz's default (host name + current millis) collides for two schedulers built in the
 * same millisecond in one process, and two containers can share a host name and pid 1; a
 * shared id would make each node treat the other's fired triggers as its own. The host part is
 * cut to 40 characters because Quartz builds {@code QRTZ_FIRED_TRIGGERS.ENTRY_ID}
 * (varchar 95) from the id plus a 13+ digit counter. Public with a no-arg constructor because
 * Quartz instantiates it by class name.
 */
public final class ReplicaInstanceIdGenerator implements InstanceIdGenerator {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String generateInstanceId() {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return host() + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet()
                + "-" + HexFormat.of().formatHex(suffix);
    }

    private static String host() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host.length() <= 40 ? host : host.substring(0, 40);
    }
}
