package dev.entente.controlplane.ui;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.federation.command.RotateCa;
import dev.entente.federation.command.RotationMove;
import dev.entente.federation.renewal.Laggards;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The federation CA's rotation: the phase on its timeline, both key fingerprints, the laggards by
 * name; start, advance and rollback each behind a confirmation page that says what the move will
 * do, laggards cut off included. The move posts the phase the operator confirmed, so a rotation
 * that moved meanwhile is refused instead of moved a second step.
 */
@Controller(ConsoleView.HOME + "/ca")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class RotationPage {
    /** The phases in the order a rotation passes them; rollback leaves the line. */
    private static final List<RotationState> TIMELINE = List.of(RotationState.STANDBY, RotationState.INIT,
            RotationState.UPDATE_CLIENTS, RotationState.UPDATE_SERVERS, RotationState.ROLLBACK);
    private final ConsoleView view;
    private final ConsoleActions actions;
    private final RotationLifecycle rotation;
    private final Laggards laggards;
    private final Clock clock;

    public RotationPage(ConsoleView view, ConsoleActions actions, RotationLifecycle rotation, Laggards laggards, Clock clock) {
        this.view = view;
        this.actions = actions;
        this.rotation = rotation;
        this.laggards = laggards;
        this.clock = clock;
    }

    /** A laggard as the page names it. */
    public record LaggardRow(String peerId, String name, String state, String url, String lastHeartbeatAt) {
    }

    @Get
    public HttpResponse<?> status(HttpRequest<?> request) {
        return actions.attempt(request, () -> {
            RotationLifecycle.Status status = rotation.status();
            Map<String, Object> model = phaseModel(request, status);
            model.put("moves", moves(status.phase()).stream().map(RotationMove::value).toList());
            return view.page(request, "ca", model);
        });
    }

    /** The confirmation of {@code move}: what it will do, from the phase the rotation is in now. */
    @Get("/{move}")
    public HttpResponse<?> confirm(HttpRequest<?> request, @PathVariable String move) {
        return actions.attempt(request, () -> {
            RotationMove m = RotationMove.of(move);
            RotationLifecycle.Status status = rotation.status();
            if (!moves(status.phase()).contains(m)) {
                throw new EntenteException(ErrorCode.TRANSITION_REJECTED, "cannot " + m.value() + " from " + status.phase().value()
                        + "; allowed from " + status.phase().value() + ": "
                        + moves(status.phase()).stream().map(RotationMove::value).collect(Collectors.joining(", ")));
            }
            Map<String, Object> model = phaseModel(request, status);
            List<?> lagging = (List<?>) model.get("laggards");
            boolean cutsOff = m == RotationMove.ADVANCE && status.phase() == RotationState.UPDATE_CLIENTS && !lagging.isEmpty();
            model.put("move", m.value());
            model.put("consequence", consequence(m, status.phase(), lagging.size()));
            model.put("force", cutsOff);
            return view.page(request, "ca-confirm", model);
        });
    }

    @Post("/{move}")
    public HttpResponse<?> move(HttpRequest<?> request, @PathVariable String move) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new RotateCa(RotationMove.of(move), form.checked("force"), form.get("expected_phase")),
                result -> ConsoleView.seeOther(ConsoleView.HOME + "/ca?done=rotated"));
    }

    private Map<String, Object> phaseModel(HttpRequest<?> request, RotationLifecycle.Status status) {
        Map<String, Object> model = view.model(request, "ca");
        model.put("type", status.type());
        model.put("phase", status.phase().value());
        model.put("since", status.since().toString());
        model.put("sinceAge", Ages.since(status.since(), clock.instant()));
        model.put("timeline", TIMELINE.stream().map(RotationState::value).toList());
        model.put("activeFingerprint", status.activeFingerprint());
        model.put("standbyFingerprint", status.standbyFingerprint());
        model.put("laggards", laggards.of(status).stream().map(l -> new LaggardRow(l.peerId(), l.name(), l.state(), l.url(),
                l.lastHeartbeatAt())).toList());
        return model;
    }

    /** The moves the rotation's lifecycle accepts from {@code phase}. */
    private static List<RotationMove> moves(RotationState phase) {
        return switch (phase) {
            case STANDBY -> List.of(RotationMove.START);
            case INIT, UPDATE_CLIENTS, UPDATE_SERVERS -> List.of(RotationMove.ADVANCE, RotationMove.ROLLBACK);
            case ROLLBACK -> List.of(RotationMove.ADVANCE);
        };
    }

    /** What {@code move} from {@code phase} does, in the words an operator decides on. */
    static String consequence(RotationMove move, RotationState phase, int laggards) {
        if (move == RotationMove.START) {
            return "A new CA key is generated and trusted beside the active one, which keeps signing. Peers learn the new "
                    + "trust bundle on their next heartbeat.";
        }
        if (move == RotationMove.ROLLBACK) {
            return "Signing returns to the old key; both keys stay trusted while peers renew their node certificates back "
                    + "under it. The new key is discarded at the next advance.";
        }
        return switch (phase) {
            case INIT -> "The new key starts signing. Every peer renews its node certificate under it on its next "
                    + "heartbeat; until then it is a laggard.";
            case UPDATE_CLIENTS -> laggards == 0
                    ? "No peer lags: every node certificate is under the new key. Servers switch to it; the old key is "
                    + "still trusted until the next advance."
                    : laggards + (laggards == 1 ? " laggard" : " laggards") + " will be cut off: "
                    + (laggards == 1 ? "its node certificate is" : "their node certificates are")
                    + " still under the old key, and the move is forced past them. They need re-enrolment to come back.";
            case UPDATE_SERVERS -> "The old key leaves the trust bundle: node certificates still under it stop working.";
            case ROLLBACK -> "The new key is discarded; the old key alone signs and is trusted.";
            case STANDBY -> "Nothing: no rotation is in progress.";
        };
    }
}
