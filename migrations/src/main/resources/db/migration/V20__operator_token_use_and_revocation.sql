-- V20 lets operators see and revoke the tokens the hub has issued.
-- last_used_at: when the token last authenticated a call, written at most once a minute per
-- token and hub process (a write per request would make every read a write).
-- revoked_at/revoked_by/revoke_reason: set once, by `entente operators token revoke`; a revoked
-- token is refused by every replica.
ALTER TABLE operator_tokens
    ADD COLUMN last_used_at  timestamptz,
    ADD COLUMN revoked_at    timestamptz,
    ADD COLUMN revoked_by    text,
    ADD COLUMN revoke_reason text;

-- Replicas keep the revoked token ids in memory: a revocation reaches them as a V9 notice
-- ('operator_tokens'), sent only when revoked_at changes, so last-use writes stay silent.
CREATE TRIGGER operator_tokens_cache_notify
    AFTER UPDATE ON operator_tokens FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION entente_cache_notify();
CREATE TRIGGER operator_tokens_cache_notify_delete
    AFTER DELETE ON operator_tokens FOR EACH ROW EXECUTE FUNCTION entente_cache_notify();
