-- V23 tells every process sharing the database when keys change (issue 17, key rotations):
-- a token-signing or audit-HMAC rotation on one replica changes which key the others must sign
-- with and which they must refuse, and a re-key makes the key-encryption key they hold in memory
-- stale. Both send a V9 notice ('sealed_keys', 'key_vault'); the listener reloads the keys, so
-- no replica keeps signing with, or accepting, a retired key until its restart. Only the two
-- purposes held in memory notify: node keys, sealed at every handshake and renewal, stay silent.
CREATE TRIGGER sealed_keys_cache_notify
    AFTER INSERT OR UPDATE ON sealed_keys FOR EACH ROW
    WHEN (NEW.purpose IN ('jwt', 'audit_hmac'))
    EXECUTE FUNCTION entente_cache_notify();
CREATE TRIGGER key_vault_cache_notify
    AFTER UPDATE ON key_vault FOR EACH STATEMENT
    EXECUTE FUNCTION entente_cache_notify();
