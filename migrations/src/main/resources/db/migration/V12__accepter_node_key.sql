-- V12 binds an accept to the accepter's node key (issue 11). The proposer records the SHA-256 of
-- the public key in the accepter's CSR when the token is consumed; an accept that resumes an
-- interrupted handshake must present the same key. The token's digest is cleared at the first
-- accept, so without this a leaked token plus the accepter's public hub id, URL and fingerprint
-- would be enough to be issued a certificate while the peer sits in accepted.
ALTER TABLE peers ADD COLUMN accepter_key_sha256 text;
