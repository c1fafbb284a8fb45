-- The admin read models and the audit log. Portable SQL: PostgreSQL and SQLite run it as it is.
-- Timestamps are ISO-8601 UTC text ("2025-01-31T09:15:00.123Z"), so text order is time order.

CREATE TABLE audit (
    event_id    TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    source      TEXT NOT NULL,
    tenant_id   TEXT,
    store_id    TEXT,
    actor       TEXT,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    trace_id    TEXT,
    summary     TEXT NOT NULL
);
CREATE INDEX audit_time ON audit (occurred_at, event_id);
CREATE INDEX audit_tenant ON audit (tenant_id, occurred_at);
CREATE INDEX audit_store ON audit (store_id, occurred_at);
CREATE INDEX audit_type ON audit (type, occurred_at);
CREATE INDEX audit_trace ON audit (trace_id);

CREATE TABLE tenants (
    tenant_id  TEXT PRIMARY KEY,
    created_at TEXT
);

CREATE TABLE stores (
    store_id      TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    name          TEXT,
    status        TEXT,            -- shown: DELETED, else SUSPENDED while suspended, else the lifecycle
    lifecycle     TEXT,            -- GENERATING, GENERATED, GENERATION_FAILED, LIVE, PUBLISH_FAILED
    lifecycle_at  TEXT NOT NULL,   -- occurred_at of the event that set `lifecycle`
    suspended     INTEGER NOT NULL DEFAULT 0,
    suspension_at TEXT NOT NULL,   -- occurred_at of the latest suspend / unsuspend
    live_url      TEXT,
    reason        TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX stores_tenant ON stores (tenant_id);
CREATE INDEX stores_status ON stores (status);

CREATE TABLE daily_metrics (
    day       TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    metric    TEXT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (day, tenant_id, metric)
);
CREATE INDEX daily_metrics_tenant ON daily_metrics (tenant_id, metric);

CREATE TABLE ai_usage (
    day           TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    model_id      TEXT NOT NULL,
    calls         BIGINT NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    images        BIGINT NOT NULL,
    fallbacks     BIGINT NOT NULL,
    refusals      BIGINT NOT NULL,
    PRIMARY KEY (day, tenant_id, model_id)
);
