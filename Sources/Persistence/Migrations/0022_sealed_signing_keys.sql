-- Access-token signing keys are stored sealed: AES-GCM under a key-encryption key that servers and
-- the admin CLI read from their environment (SIGNING_KEY_ENCRYPTION_KEY) and the database never
-- sees. The app role could read every private key in the clear before, and a trace-level log of the
-- driver's rows printed them.
alter table signing_keys add column sealed_private_key bytea;

-- Keys written in the clear sign no more: each keeps verifying for the life of a token it may have
-- signed (15 minutes, plus a margin), then retires. The next server to sign creates a sealed key.
update signing_keys set retire_after = now() + interval '17 minutes' where retire_after is null;
alter table signing_keys drop column private_key;

-- Only a sealed key can be the current one.
alter table signing_keys add constraint signing_keys_current_is_sealed
    check (retire_after is not null or sealed_private_key is not null);
