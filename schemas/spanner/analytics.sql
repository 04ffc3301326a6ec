-- Engagement aggregates (PostgreSQL dialect: Grafana reads them through PGAdapter with
-- its built-in PostgreSQL data source). The Beam job writes them with upserts keyed by
-- (what, window): re-running a window or a refined pane overwrites, never adds.

-- Distinct viewing sessions of a live stream per minute.
CREATE TABLE concurrent_viewers (
  stream_id varchar(64) NOT NULL,
  channel_id varchar(64) NOT NULL,
  minute timestamptz NOT NULL,
  viewers bigint NOT NULL,
  PRIMARY KEY (stream_id, minute)
);

-- Seconds watched per title (VOD) or stream (live) per minute, from heartbeats.
CREATE TABLE watch_time (
  subject_id varchar(64) NOT NULL,
  kind varchar(8) NOT NULL,
  channel_id varchar(64),
  minute timestamptz NOT NULL,
  watch_seconds double precision NOT NULL,
  sessions bigint NOT NULL,
  PRIMARY KEY (subject_id, minute)
);

-- Retention curve per VOD title: sessions that reached each 5 % of its duration.
CREATE TABLE retention (
  title_id varchar(64) NOT NULL,
  percent bigint NOT NULL,
  sessions bigint NOT NULL,
  day date NOT NULL,
  PRIMARY KEY (title_id, day, percent)
);

-- Per clip per hour: impressions, plays, shares and click-through (plays / impressions).
CREATE TABLE clip_engagement (
  clip_id varchar(64) NOT NULL,
  hour timestamptz NOT NULL,
  impressions bigint NOT NULL,
  plays bigint NOT NULL,
  shares bigint NOT NULL,
  ctr double precision,
  PRIMARY KEY (clip_id, hour)
);

-- Quality of service per minute and platform: time to first frame and stalls.
CREATE TABLE qos (
  minute timestamptz NOT NULL,
  platform varchar(16) NOT NULL,
  plays bigint NOT NULL,
  ttff_p50_ms double precision,
  ttff_p95_ms double precision,
  stalls bigint NOT NULL,
  stall_seconds double precision NOT NULL,
  PRIMARY KEY (minute, platform)
);

-- Per creator (channel) per day.
CREATE TABLE creator_daily (
  channel_id varchar(64) NOT NULL,
  day date NOT NULL,
  watch_seconds double precision NOT NULL,
  peak_viewers bigint NOT NULL,
  clip_plays bigint NOT NULL,
  clip_shares bigint NOT NULL,
  PRIMARY KEY (channel_id, day)
);

-- Rows the job could not read, per minute and reason (the rows go to dead-letter).
CREATE TABLE bad_rows (
  minute timestamptz NOT NULL,
  reason varchar(256) NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (minute, reason)
);
