-- entente.keys.store: pkcs11. sealed_keys stays the catalogue of every key; a key generated in a
-- PKCS#11 token is catalogued with its public half and certificate, and its private half stays in
-- the token under the alias = id. Such a row holds no key material at all: the check makes a
-- sealed secret and the token store exclusive.
ALTER TABLE sealed_keys ADD COLUMN store text NOT NULL DEFAULT 'sealed' CHECK (store IN ('sealed', 'pkcs11'));
ALTER TABLE sealed_keys ALTER COLUMN sealed_secret DROP NOT NULL;
ALTER TABLE sealed_keys ADD CONSTRAINT sealed_keys_secret_by_store
    CHECK ((store = 'sealed') = (sealed_secret IS NOT NULL));
