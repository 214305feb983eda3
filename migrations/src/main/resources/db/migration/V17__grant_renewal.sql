-- V17 (issue 18) lets a grant change while it runs. `grants update` changes an active grant's
-- scopes and expiry in place (same id, same bearer token); `grants renew` extends it; and a grant
-- issued or updated with --auto-renew is extended by the worker at two thirds of its term, while
-- its peer is active, up to max_expires_at. The V9 trigger on grants already notifies every
-- replica of any update, so a changed scope or expiry reaches every access cache at commit.

-- Whether the worker extends the grant; it then needs the latest it may reach.
ALTER TABLE grants ADD COLUMN auto_renew boolean NOT NULL DEFAULT false;
-- The latest expires_at renewals may reach (issue or update time + --max-lifetime); null when the
-- grant does not auto-renew.
ALTER TABLE grants ADD COLUMN max_expires_at timestamptz;
-- How many times the grant was extended (renew, or the worker).
ALTER TABLE grants ADD COLUMN renewed_count integer NOT NULL DEFAULT 0 CHECK (renewed_count >= 0);
-- When the current term began (issue, update of the expiry, renewal): a term is
-- expires_at - term_started_at, and the worker renews once two thirds of it have passed.
ALTER TABLE grants ADD COLUMN term_started_at timestamptz;
UPDATE grants SET term_started_at = created_at;
ALTER TABLE grants ALTER COLUMN term_started_at SET NOT NULL;
ALTER TABLE grants ALTER COLUMN term_started_at SET DEFAULT now();

ALTER TABLE grants ADD CONSTRAINT grants_auto_renew_bounded
    CHECK (NOT auto_renew OR max_expires_at IS NOT NULL);
ALTER TABLE grants ADD CONSTRAINT grants_max_after_expiry
    CHECK (max_expires_at IS NULL OR max_expires_at >= expires_at);

-- The renewal job: WHERE state = 'active' AND auto_renew AND expires_at < max_expires_at.
CREATE INDEX grants_auto_renew ON grants (expires_at) WHERE state = 'active' AND auto_renew;
