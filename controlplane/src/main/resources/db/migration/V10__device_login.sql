-- Device login (RFC 8628): one row per authorization a client asked for. The device code is stored as
-- its SHA-256 only; the user code (8 characters, no dash) is unique among pending rows, so a code can be
-- approved or denied once and never matches again. The approving session token is kept sealed
-- (AES-GCM) only until the single delivery to the device, then erased.
CREATE TABLE device_authorizations (
    id                BIGSERIAL PRIMARY KEY,
    device_code_hash  TEXT        NOT NULL UNIQUE,
    user_code         TEXT        NOT NULL,
    client            TEXT        NOT NULL,
    status            TEXT        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'denied', 'delivered')),
    interval_seconds  INTEGER     NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at        TIMESTAMPTZ NOT NULL,
    last_polled_at    TIMESTAMPTZ,
    user_id           TEXT,
    user_email        TEXT,
    sealed_session    TEXT,
    session_expires_at TIMESTAMPTZ,
    decided_at        TIMESTAMPTZ,
    delivered_at      TIMESTAMPTZ,
    key_id            BIGINT
);

CREATE UNIQUE INDEX device_authorizations_pending_user_code
    ON device_authorizations (user_code) WHERE status = 'pending';
CREATE INDEX device_authorizations_expires ON device_authorizations (expires_at);
