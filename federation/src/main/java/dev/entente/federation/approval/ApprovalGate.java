package dev.entente.federation.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.entente.ca.vault.SealedColumn;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.federation.command.AcceptPeer;
import dev.entente.federation.command.NewReenrolmentToken;
import dev.entente.federation.command.ReenrolPeer;
import dev.entente.federation.command.CommandJson;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.CommandSecrets;
import dev.entente.federation.command.IssueGrant;
import dev.entente.federation.command.IssueOperatorToken;
import dev.entente.federation.command.OperatorCommand;
import dev.entente.federation.command.OperatorCommands;
import dev.entente.federation.command.ProposePeer;
import dev.entente.federation.command.RevokePeer;
import dev.entente.federation.command.RotateCa;
import dev.entente.federation.command.RotateKeys;
import dev.entente.federation.command.SetApprovalPolicy;
import dev.entente.federation.command.SetPeerUrl;
import dev.entente.lifecycle.approval.Approval;
import dev.entente.lifecycle.approval.ApprovalLifecycle;
import dev.entente.lifecycle.approval.ApprovalRepository;
import dev.entente.lifecycle.approval.ApprovalState;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The two-person rule. Every operator command goes through {@link #submit}: under policy
 * {@code auto} it runs at once; under {@code require_approval} nothing is applied, an approval
 * request is stored (pending, expiring after {@code entente.approvals.timeout}) and the caller
 * gets 202. {@link #approve} by another operator holding the approver role runs the stored
 * command, as the requester; if its preconditions changed meanwhile (peer already revoked,
 * rotation moved on) the command's own error comes back and the approval ends {@code failed},
 * with nothing half-applied. The request stores the command's fields as its arguments and its
 * action name in its own column ({@link CommandJson}), so requests stored by earlier versions,
 * whose arguments had the same shape, still load and run.
 *
 * <p>Executed exactly once: the approval commits as {@code approved} with its arguments (an
 * outbox), then one runner at a time, holding the request's row lock, runs it and moves it to
 * {@code executed} or {@code failed}. A command that touches only this hub's database commits
 * with that move, in one transaction; a {@linkplain OperatorCommand#transactional
 * non-transactional} one (it calls another hub) cannot, and the executor is asked on a retry what
 * an earlier run already did. The approver's call runs it at once; {@link #executeApproved}, at
 * start-up and on every approval-expiry run, finishes what a stopped hub left approved.
 *
 * <p>Secrets never sit in clear in the {@code approvals} row (nor so in WAL, data files or
 * backups): secret arguments (peer.accept's acceptance token) are sealed under the hub's key vault
 * and dropped once the request is decided; a secret result meant for the requester (an operator
 * token minted under approval) is sealed too, shown to nobody else, and handed out once by
 * {@link #collect}.
 *
 * <p>What a request stores is typed: the command's arguments ({@link CommandJson}), its secret
 * fields ({@link CommandSecrets}) and the command's {@link CommandResult}, redacted. What it shows
 * ({@link ApprovalView}) is the stored JSON as stored, so that requests stored by earlier versions
 * show as they always did.
 */
public final class ApprovalGate {
    /** The actions a policy can be set for. */
    public static final List<String> ACTIONS = List.of(ProposePeer.ACTION, AcceptPeer.ACTION, RevokePeer.ACTION,
            SetPeerUrl.ACTION, IssueGrant.WRITE_ACTION, RotateCa.ACTION, NewReenrolmentToken.ACTION, ReenrolPeer.ACTION,
            RotateKeys.ACTION);
    /**
     * Minting an approver-role token: not a policy of its own but gated whenever any policy
     * requires approval, since a new approver identity is what would let one operator approve
     * their own requests.
     */
    public static final String TOKEN_ISSUE = IssueOperatorToken.ACTION;
    /** The approvals' sealed columns, for a rekey of the vault: each blob's AAD as {@link #aad} makes it. */
    public static final List<SealedColumn> SEALED_COLUMNS = List.of(
            new SealedColumn("approvals", "id", "sealed_secrets", "'approval/' || id || '/arguments'"),
            new SealedColumn("approvals", "id", "sealed_result", "'approval/' || id || '/result'"));
    /** What stands in for a sealed secret in stored arguments. */
    static final String SEALED = "(sealed)";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(ApprovalGate.class.getName());
    /**
     * Test hook: approving commits the approval and then stops short of executing it, as a hub
     * killed at that moment would; the next start (or worker run) must execute it, once.
     */
    public static final String HALT_AFTER_APPROVAL = "entente.testing.halt-after-approval";

    /**
     * Either the command's result (it ran now) or the approval request that stores it (202):
     * exactly one is set.
     */
    public record Outcome(CommandResult result, ApprovalAnswer.Requested request) {
        /** Whether the command waits for approval. */
        public boolean pending() {
            return request != null;
        }

        /** The response body: the request when pending, else the result. */
        public Object body() {
            return pending() ? request : result;
        }
    }

    private final Tx tx;
    private final AuditLog audit;
    private final SealedKeyStore keys;
    private final Clock clock;
    private final ApprovalPolicies policies;
    private final Duration timeout;
    private final OperatorCommands commands;
    private final ApprovalRepository repository;
    private final ApprovalLifecycle lifecycle;
    private volatile boolean haltAfterApproval;

    /**
     * @param policies {@code auto} or {@code require_approval} per action of {@link #ACTIONS}:
     *                 configuration's defaults and what operators set while the hub runs
     * @param timeout  how long a request waits for a decision ({@code entente.approvals.timeout})
     * @param commands what runs a command once it may run
     * @param repository the approvals table, on the same transactions as {@code tx}
     */
    public ApprovalGate(Tx tx, LifecycleEngine engine, AuditLog audit, SealedKeyStore keys, Clock clock,
                        ApprovalPolicies policies, Duration timeout, OperatorCommands commands,
                        ApprovalRepository repository) {
        this.tx = tx;
        this.audit = audit;
        this.keys = keys;
        this.clock = clock;
        this.policies = policies;
        this.timeout = timeout;
        this.commands = commands;
        this.repository = repository;
        this.lifecycle = new ApprovalLifecycle(engine);
    }

    /** Sets the {@value #HALT_AFTER_APPROVAL} test hook. */
    public void haltAfterApproval(boolean halt) {
        this.haltAfterApproval = halt;
    }

    /**
     * Whether {@code command} waits for a second operator, by the policies in force now on any
     * replica. Minting an approver token is not a policy of its own: it is gated whenever any
     * policy requires approval. Lowering a policy is gated by the policy it lowers, or one
     * operator could switch the two-person rule off for an action and then act alone.
     */
    public boolean requiresApproval(OperatorCommand command) {
        if (command instanceof IssueOperatorToken token) {
            return "approver".equals(token.role()) && policies.effective().containsValue(ApprovalPolicies.REQUIRE_APPROVAL)
                    && liveApproverExists();
        }
        if (command instanceof SetApprovalPolicy change) {
            return change.lowers(policies.effective(change.target()));
        }
        return ACTIONS.contains(command.policy())
                && ApprovalPolicies.REQUIRE_APPROVAL.equals(policies.effective(command.policy()));
    }

    /** The policies this gate decides by. */
    public ApprovalPolicies policies() {
        return policies;
    }

    // Until some approver exists nobody could approve the first one, so minting it is not gated
    // (a revoked approver token approves nothing, so it does not count);
    // the minting chain still keeps that approver from approving its minter's requests.
    private boolean liveApproverExists() {
        return tx.read(c -> {
            try (var ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM operator_tokens "
                    + "WHERE 'approver' = ANY (roles) AND expires_at > ? AND revoked_at IS NULL)")) {
                ps.setTimestamp(1, java.sql.Timestamp.from(clock.instant()));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /** Runs {@code command} as {@code requester} now, or stores it for approval when its policy says so. */
    public Outcome submit(OperatorCommand command, ApprovalOperator requester) {
        if (!requiresApproval(command)) {
            // Not gated, the same rule: a local command's writes and audit events commit as one.
            CommandResult result = !command.transactional() ? commands.execute(command, requester.subject())
                    : tx.inOneTransaction(c -> commands.execute(command, requester.subject()));
            return new Outcome(result, null);
        }
        String action = command.action();
        ObjectNode arguments = CommandJson.arguments(command);
        Instant expiresAt = clock.instant().plus(timeout);
        UUID id = UUID.randomUUID();
        CommandSecrets secrets = read(arguments, CommandSecrets.class);
        ObjectNode stored = arguments.deepCopy();
        for (String name : CommandSecrets.NAMES) {
            if (stored.hasNonNull(name)) {
                stored.put(name, SEALED);
            }
        }
        List<String> chain = mintingChain(requester);
        Approval approval = tx.inTransaction(c -> {
            byte[] sealed = secrets.isEmpty() ? null : seal(c, json(secrets), aad(id, "arguments"));
            Approval created = repository.create(c, id, action, requester.subject(), chain, json(stored), sealed, expiresAt);
            audit.append(c, AuditEvent.of(AuditEventType.APPROVAL_REQUESTED, requester.subject(), created.id().toString(),
                    Map.of("action", action, "arguments", CommandJson.plain(redact(arguments)), "expires_at", expiresAt.toString())));
            return created;
        });
        return new Outcome(null, new ApprovalAnswer.Requested(view(approval), "entente approvals approve " + approval.id(),
                FOR_REQUESTER.contains(action) ? "entente approvals collect " + approval.id() : null));
    }

    /** Actions whose secret result goes to the requester alone (sealed until collected), not to the approver. */
    private static final Set<String> FOR_REQUESTER = Set.of(TOKEN_ISSUE);

    /**
     * Who minted {@code operator}'s token, root first. A token from before the {@code minted_by}
     * claim has none signed in: the hub's record of who issued it stands in (one link, not the
     * whole chain; issue new tokens to close the gap).
     */
    public List<String> mintingChain(ApprovalOperator operator) {
        if (operator.mintedBy() != null) {
            return operator.mintedBy();
        }
        return tx.read(c -> {
            try (var ps = c.prepareStatement("SELECT issued_by FROM operator_tokens WHERE jti = ?")) {
                ps.setObject(1, UUID.fromString(operator.tokenId()));
                try (var rs = ps.executeQuery()) {
                    String issuer = rs.next() ? rs.getString(1) : null;
                    return issuer == null || issuer.equals(EventSource.HUB.actor())
                            ? List.<String>of() : List.of(issuer);
                }
            }
        });
    }

    /**
     * Hands the requester the secret result of their executed request (an operator token minted
     * under approval), once: it is cleared as it is read.
     */
    public ApprovalAnswer.Collected collect(UUID id, ApprovalOperator requester) {
        Approval approval = find(id);
        if (!approval.requester().equals(requester.subject())) {
            throw new EntenteException(ErrorCode.APPROVAL_REQUESTER_ONLY, "only " + approval.requester()
                    + ", who requested approval " + id + ", can collect its result; ask them");
        }
        // One transaction: a result that does not open (a vault re-keyed elsewhere) is not cleared.
        CommandSecrets result = tx.inOneTransaction(c -> {
            keys.vault().checkCurrent(c);
            byte[] sealed = repository.takeSealedResult(id, requester.subject()).orElseThrow(() ->
                    new EntenteException(ErrorCode.APPROVAL_RESULT_UNAVAILABLE, "approval " + id + " has no result to collect: it is "
                            + approval.state().value() + (approval.state() == ApprovalState.EXECUTED
                            ? " and its result was already collected or has no secret part; request the action again if the secret was lost"
                            : "; collect it once an approver has approved it"),
                            Map.of("state", approval.state().value())));
            return read(new String(keys.openSecret(sealed, aad(id, "result")), StandardCharsets.UTF_8), CommandSecrets.class);
        });
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.APPROVAL_COLLECTED, requester.subject(),
                id.toString(), Map.of("action", approval.action()))));
        return new ApprovalAnswer.Collected(view(find(id)), result);
    }

    /**
     * Seals {@code json} on {@code c}, refusing ({@code key_vault_rekeyed}) when another process
     * re-keyed the vault: sealed under the key this process still holds, it would open nowhere.
     */
    private byte[] seal(Connection c, String json, String aad) throws SQLException {
        keys.vault().checkCurrent(c);
        return keys.sealSecret(json.getBytes(StandardCharsets.UTF_8), aad);
    }

    private static String aad(UUID id, String part) {
        return "approval/" + id + "/" + part;
    }

    /**
     * Approve, then execute: the approval commits as {@code approved} first (with the stored
     * arguments, the outbox), then {@link #execute} runs the action and records the outcome. The
     * action's result comes back (secrets included, shown to the approver once), or its error.
     */
    public ApprovalAnswer.Executed approve(UUID id, ApprovalOperator approver) {
        find(id);
        Instant now = clock.instant();
        List<String> roles = List.copyOf(approver.roles());
        try {
            lifecycle.approve(id, approver.subject(), mintingChain(approver), roles, now);
        } catch (EntenteException e) {
            if (e.code() == ErrorCode.APPROVAL_EXPIRED) {
                lifecycle.expire(id, now);
            }
            throw e;
        }
        if (haltAfterApproval) {
            throw new IllegalStateException(HALT_AFTER_APPROVAL + " is set: stopped between approval " + id
                    + " and its execution; the next start or worker run executes it");
        }
        return execute(id, true);
    }

    /**
     * Runs every approved request not yet executed (approved, then the hub stopped or the action
     * could not be recorded): at start-up and on every approval-expiry run. Safe to run twice and
     * on several replicas at once: a request another runner holds is skipped, one that is no
     * longer approved is left alone. A failed action ends its request {@code failed}; an error
     * that could not be recorded (the database went away) leaves it approved for the next run.
     *
     * @return how many requests this call moved to executed or failed
     */
    public int executeApproved() {
        int n = 0;
        for (Approval a : repository.listByState(ApprovalState.APPROVED)) {
            try {
                if (run(a.id(), false) != null) {
                    n++;
                }
            } catch (EntenteException e) {
                // recorded as failed (or left approved when even that failed): nobody waits for it here
                LOG.log(System.Logger.Level.WARNING, "approved request " + a.id() + " (" + a.action() + ") did not run: "
                        + e.code().code() + ": " + e.detail());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "approved request " + a.id() + " (" + a.action() + ") did not run", e);
            }
        }
        return n;
    }

    // For the approver: the outcome of this run, or of whoever ran it first.
    private ApprovalAnswer.Executed execute(UUID id, boolean approverWaits) {
        ApprovalAnswer.Executed out = run(id, approverWaits);
        if (out != null) {
            return out;
        }
        Approval done = find(id);
        if (done.state() == ApprovalState.FAILED) {
            throw new EntenteException(ErrorCode.CONFLICT, "approval " + id + " was executed meanwhile by the hub and failed: "
                    + done.result(), Map.of("state", done.state().value()));
        }
        return new ApprovalAnswer.Executed(done.result() == null ? null : tryParse(done.result()),
                done.resultSealed() ? collectNext(id) : null, view(done));
    }

    /**
     * Executes approved request {@code id} once, in one transaction that holds the request's row
     * lock throughout: an action that only touches this hub's database runs inside it, so its
     * effects and {@code approved → executed} commit together or not at all; a non-transactional
     * command (it calls another hub) runs outside it, its own writes committing as it goes, and a retry
     * first asks it what an interrupted earlier run already did. Null when the request is not
     * approved (any more) or, with {@code wait} false, another runner holds it.
     */
    private ApprovalAnswer.Executed run(UUID id, boolean wait) {
        EntenteException[] failure = new EntenteException[1];
        RuntimeException[] crash = new RuntimeException[1];
        ApprovalAnswer.Executed out = tx.inOneTransaction(c -> {
            if (!claim(c, id, wait)) {
                return null;
            }
            Approval approval = find(id);
            ObjectNode arguments = CommandJson.tree(approval.arguments());
            if (approval.sealedSecrets() != null) {
                keys.vault().checkCurrent(c);
                CommandSecrets secrets = read(new String(keys.openSecret(approval.sealedSecrets(), aad(id, "arguments")),
                        StandardCharsets.UTF_8), CommandSecrets.class);
                arguments.setAll((ObjectNode) JSON.valueToTree(secrets));
            }
            CommandResult result;
            try {
                // Checked again as it loads: a stored value that no longer passes fails the request.
                OperatorCommand command = CommandJson.read(approval.action(), arguments);
                if (!command.transactional()) {
                    result = tx.outside(() -> commands.alreadyDone(command, approval.updatedAt())
                            .orElseGet(() -> commands.execute(command, approval.requester())));
                } else {
                    // A savepoint: a failing command leaves nothing behind, and the failure is recorded.
                    result = tx.inTransaction(x -> commands.execute(command, approval.requester()));
                }
            } catch (EntenteException e) {
                if (e.code() == ErrorCode.DATABASE_UNREACHABLE) {
                    throw e;
                }
                lifecycle.fail(id, e.code().code() + ": " + e.detail());
                failure[0] = e;
                return null;
            } catch (RuntimeException e) {
                lifecycle.fail(id, "internal_error: " + e);
                crash[0] = e;
                return null;
            }
            return complete(approval, result, wait);
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        if (crash[0] != null) {
            throw crash[0];
        }
        return out == null ? null : new ApprovalAnswer.Executed(out.result(), out.next(), view(find(id)));
    }

    // The row lock that makes one runner the executor; re-checked on the row's newest version.
    private static boolean claim(java.sql.Connection c, UUID id, boolean wait) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM approvals WHERE id = ? AND state = ? FOR UPDATE"
                + (wait ? "" : " SKIP LOCKED"))) {
            ps.setObject(1, id);
            ps.setString(2, ApprovalState.APPROVED.value());
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    // approved → executed, on the runner's transaction; a secret result goes to the requester
    // alone when the action is theirs (a minted token) or nobody is there to be shown it.
    // Without the approval: run() adds it as it stands once this transaction committed.
    private ApprovalAnswer.Executed complete(Approval approval, CommandResult result, boolean approverWaits) {
        UUID id = approval.id();
        CommandSecrets secret = result.secrets();
        JsonNode redacted = JSON.valueToTree(result.redacted());
        if (FOR_REQUESTER.contains(approval.action()) || (!approverWaits && !secret.isEmpty())) {
            // The approver must not walk away with the requester's new credential.
            lifecycle.complete(id, json(redacted), tx.inTransaction(c -> seal(c, json(secret), aad(id, "result"))));
            return new ApprovalAnswer.Executed(redacted, collectNext(id), null);
        }
        lifecycle.complete(id, json(redacted));
        return new ApprovalAnswer.Executed(JSON.valueToTree(result), null, null);
    }

    private static String collectNext(UUID id) {
        return "the requester runs: entente approvals collect " + id;
    }

    public ApprovalAnswer.Rejected reject(UUID id, ApprovalOperator operator, String reason) {
        find(id);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "a rejection needs --reason");
        }
        lifecycle.reject(id, operator.subject(), reason);
        return new ApprovalAnswer.Rejected(view(find(id)));
    }

    /** Expires pending requests past their deadline; safe to run twice or on several replicas. */
    public int expireDue(Instant now) {
        int n = 0;
        for (Approval a : repository.listByState(ApprovalState.PENDING)) {
            if (a.isPastDeadline(now)) {
                try {
                    if (lifecycle.expire(a.id(), now).changed()) {
                        n++;
                    }
                } catch (EntenteException e) {
                    // decided or expired by someone else meanwhile: nothing to do
                }
            }
        }
        return n;
    }

    public List<ApprovalView> list(ApprovalState state) {
        List<Approval> all = state != null ? repository.listByState(state)
                : java.util.Arrays.stream(ApprovalState.values()).flatMap(s -> repository.listByState(s).stream())
                .sorted(java.util.Comparator.comparing(Approval::createdAt)).toList();
        return all.stream().map(ApprovalGate::view).collect(Collectors.toList());
    }

    public ApprovalView show(UUID id) {
        return view(find(id));
    }

    private Approval find(UUID id) {
        return repository.find(id).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND,
                "no approval " + id + "; 'entente approvals list' shows them"));
    }

    static ApprovalView view(Approval a) {
        return new ApprovalView(a.id().toString(), a.action(), a.requester(), a.requesterMintedBy(),
                redact(CommandJson.tree(a.arguments())), a.state().value(), a.approver(), a.reason(),
                a.result() == null ? null : tryParse(a.result()), a.resultSealed(), a.createdAt().toString(),
                a.expiresAt().toString());
    }

    // A secret anywhere in the arguments, at any depth of objects, shows as redacted.
    private static ObjectNode redact(ObjectNode node) {
        ObjectNode out = node.deepCopy();
        node.fieldNames().forEachRemaining(name -> {
            JsonNode value = node.get(name);
            if (CommandSecrets.NAMES.contains(name) && !value.isNull()) {
                out.put(name, CommandResult.REDACTED);
            } else if (value instanceof ObjectNode inner) {
                out.set(name, redact(inner));
            }
        });
        return out;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sealed approval secrets are not a JSON object", e);
        }
    }

    private static <T> T read(ObjectNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // A failed request's result is its error, a string.
    private static JsonNode tryParse(String json) {
        try {
            return JSON.readValue(json, JsonNode.class);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(json);
        }
    }
}
