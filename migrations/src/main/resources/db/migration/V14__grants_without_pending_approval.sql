-- V14 (issue 12) drops the grant state pending_approval. The two-person rule holds a write grant
-- as an approval request (action grant.issue.write) and issues the grant active once approved;
-- nothing ever issued a grant in pending_approval, so no row should be in it. One that is
-- (written by hand) is not converted silently, since a state change without its audit event would
-- break the rule that every state change is audited: the migration stops and says what to do.
DO $$
DECLARE
    stuck text;
BEGIN
    SELECT string_agg(id::text, ', ' ORDER BY id) INTO stuck FROM grants WHERE state = 'pending_approval';
    IF stuck IS NOT NULL THEN
        RAISE EXCEPTION 'grants in state pending_approval: %', stuck
            USING HINT = 'the state was removed; revoke them with the previous version (entente grants revoke ID) '
                      || 'and start again, or issue them anew';
    END IF;
END
$$;

ALTER TABLE grants DROP CONSTRAINT grants_state_check;
ALTER TABLE grants ADD CONSTRAINT grants_state_check CHECK (state IN ('active', 'expired', 'revoked'));
