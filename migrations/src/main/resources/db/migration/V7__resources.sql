-- V7 adds exported resources: what this hub serves to peers through the federation API, each
-- placed in an instance and a network so grants can scope access to them.
CREATE TABLE exported_resources (
    kind        text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_-]{0,62}$'),
    name        text        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
    instance_id text,
    network_id  text,
    attributes  jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);
CREATE INDEX exported_resources_instance ON exported_resources (instance_id);
CREATE INDEX exported_resources_network ON exported_resources (network_id);
