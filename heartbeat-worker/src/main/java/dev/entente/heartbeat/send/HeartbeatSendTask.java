package dev.entente.heartbeat.send;

import dev.entente.federation.heartbeat.HeartbeatSender;
import dev.entente.heartbeat.schedule.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * One heartbeat round per interval: this hub's heartbeat to every peer it sends them to. Safe to
 * run twice (a second round is only more heartbeats); failures are counted per peer by the sender.
 */
public final class HeartbeatSendTask implements Task {
    public static final String NAME = "heartbeat_sender";
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSendTask.class);
    private final HeartbeatSender sender;

    public HeartbeatSendTask(HeartbeatSender sender) {
        this.sender = sender;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        long failed = sender.sendHeartbeats(now).stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            LOG.debug("heartbeat round at {}: {} peer(s) not reached", now, failed);
        }
    }
}
