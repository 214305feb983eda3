-- V11 (issue 11) keeps approval secrets sealed at rest and records who minted each operator token.
--
-- approvals.sealed_secrets: the secret arguments of a request (peer.accept's acceptance token),
-- as JSON sealed with AES-256-GCM under the hub's key vault, AAD 'approval/<id>/arguments'. The
-- arguments column then holds '(sealed)' in their place. Cleared once the request is decided.
-- approvals.sealed_result: a secret result kept for the requester alone (an operator token minted
-- under approval), sealed the same way with AAD 'approval/<id>/result'; cleared when collected.
-- approvals.requester_minted_by: the requester token's minting chain, root first, so the
-- two-person rule can refuse an approver who minted the requester's token.
ALTER TABLE approvals ADD COLUMN sealed_secrets      bytea;
ALTER TABLE approvals ADD COLUMN sealed_result       bytea;
ALTER TABLE approvals ADD COLUMN requester_minted_by text[] NOT NULL DEFAULT '{}';

-- Decided requests never need their acceptance token again: drop the clear copies written before
-- V11 (pending ones keep theirs until they are decided, or they could no longer run).
UPDATE approvals SET arguments = jsonb_set(arguments::jsonb, '{token}', '"(redacted)"')::text
 WHERE state <> 'pending' AND arguments::jsonb ? 'token';

-- operator_tokens.minted_by: the token's minting chain, root first (the minter's chain plus the
-- minter): the same list as the token's signed minted_by claim. Empty for admin.token and for
-- tokens issued before V11.
ALTER TABLE operator_tokens ADD COLUMN minted_by text[] NOT NULL DEFAULT '{}';
