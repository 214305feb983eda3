-- V9 adds cache invalidation notices. Each hub process keeps the answers of the federation
-- API's authentication in memory (client certificate -> issued certificate + peer, grant rows,
-- exported resources) so that a keep-alive connection does no SQL per request. Replicas sharing
-- this database learn of a change through NOTIFY on channel 'entente_cache', which PostgreSQL
-- delivers only when (and if) the changing transaction commits. Triggers, rather than calls in
-- the Java code paths, so that every writer (a replica, `entente worker`, a future code path, an
-- operator's SQL) invalidates the caches. Payload: '<table>:<key>', or '<table>' for all rows.

CREATE FUNCTION entente_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('entente_cache', TG_TABLE_NAME);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    IF TG_TABLE_NAME = 'peers' OR TG_TABLE_NAME = 'grants' THEN
        PERFORM pg_notify('entente_cache', TG_TABLE_NAME || ':' || r.id);
    ELSIF TG_TABLE_NAME = 'issued_certificates' THEN
        PERFORM pg_notify('entente_cache', TG_TABLE_NAME || ':' || r.fingerprint);
    ELSIF TG_TABLE_NAME = 'exported_resources' THEN
        PERFORM pg_notify('entente_cache', TG_TABLE_NAME || ':' || r.kind || '/' || r.name);
    ELSE
        PERFORM pg_notify('entente_cache', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$;

-- Peers: only state changes that change what the federation API answers. active <-> degraded
-- and enrolled -> active (the sweep and heartbeats, possibly thousands at once) are left out:
-- both states are served alike, and a heartbeat that finds its peer no longer active takes the
-- lifecycle path anyway.
CREATE TRIGGER peers_cache_notify
    AFTER UPDATE OF state ON peers FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          AND NOT (OLD.state IN ('enrolled', 'active', 'degraded') AND NEW.state IN ('active', 'degraded')))
    EXECUTE FUNCTION entente_cache_notify();
CREATE TRIGGER peers_cache_notify_delete
    AFTER DELETE ON peers FOR EACH ROW EXECUTE FUNCTION entente_cache_notify();

-- Certificates: revocation (renewal supersedes the old certificate; a revoked peer's all).
CREATE TRIGGER issued_certificates_cache_notify
    AFTER UPDATE ON issued_certificates FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION entente_cache_notify();
CREATE TRIGGER issued_certificates_cache_notify_delete
    AFTER DELETE ON issued_certificates FOR EACH ROW EXECUTE FUNCTION entente_cache_notify();

-- CA keys and rotation phases decide which certificates chain to a trusted key: drop them all.
CREATE TRIGGER certificate_authorities_cache_notify
    AFTER INSERT OR UPDATE OR DELETE ON certificate_authorities FOR EACH STATEMENT
    EXECUTE FUNCTION entente_cache_notify();
CREATE TRIGGER ca_rotations_cache_notify
    AFTER INSERT OR UPDATE OR DELETE ON ca_rotations FOR EACH STATEMENT
    EXECUTE FUNCTION entente_cache_notify();

-- Grants: any change (approve, revoke, expire; scopes never change, but say so in one place).
CREATE TRIGGER grants_cache_notify
    AFTER UPDATE OR DELETE ON grants FOR EACH ROW EXECUTE FUNCTION entente_cache_notify();

-- Exported resources: put and delete.
CREATE TRIGGER exported_resources_cache_notify
    AFTER INSERT OR UPDATE OR DELETE ON exported_resources FOR EACH ROW EXECUTE FUNCTION entente_cache_notify();
