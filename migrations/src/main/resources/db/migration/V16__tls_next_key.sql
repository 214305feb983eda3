-- An automatic hub TLS renewal makes its key ahead of serving it: status 'next' is announced
-- to peers (heartbeats' tls_fingerprints) so they pin it before the hub switches to it.
ALTER TABLE sealed_keys DROP CONSTRAINT sealed_keys_status_check;
ALTER TABLE sealed_keys ADD CONSTRAINT sealed_keys_status_check
    CHECK (status IN ('active', 'grace', 'retired', 'next'));
