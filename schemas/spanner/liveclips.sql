-- System of record (GoogleSQL). Keys are random (IVS ids, UUIDv4) so writes spread
-- across splits; children that are read with their parent are interleaved in it.

-- A creator's IVS channel (ChannelId: the last part of its ARN). The stream key's value
-- is shown to the creator once and never stored: only its ARN, for rotation. Private
-- channels play with a token (docs/studio.md).
CREATE TABLE Channels (
  ChannelId STRING(64) NOT NULL,
  ChannelArn STRING(256) NOT NULL,
  OwnerUserId STRING(128) NOT NULL,
  Name STRING(128) NOT NULL,
  Private BOOL NOT NULL,
  PlaybackUrl STRING(1024) NOT NULL,
  IngestEndpoint STRING(256) NOT NULL,
  LatencyMode STRING(8) NOT NULL,
  Type STRING(16) NOT NULL,
  StreamKeyArn STRING(256),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (ChannelId);

-- A creator's channels, newest first (the owner leads: no commit-timestamp hotspot).
CREATE INDEX ChannelsByOwner ON Channels (OwnerUserId, CreatedAt DESC);

-- A channel's schedule: the program on air when a stream starts names the show.
-- Programs on one channel never overlap (checked in the transaction that adds one).
CREATE TABLE Programs (
  ChannelId STRING(64) NOT NULL,
  ProgramId STRING(36) NOT NULL,
  Title STRING(120) NOT NULL,
  Tags ARRAY<STRING(32)> NOT NULL,
  StartsAt TIMESTAMP NOT NULL,
  EndsAt TIMESTAMP NOT NULL,
  CreatedBy STRING(128) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (ChannelId, ProgramId),
  INTERLEAVE IN PARENT Channels ON DELETE CASCADE;

CREATE INDEX ProgramsByStart ON Programs (ChannelId, StartsAt) STORING (EndsAt, Title, Tags),
  INTERLEAVE IN Channels;

-- One row per IVS stream (live session). LastEventAt is the event time of the newest
-- applied event, so late or reordered EventBridge deliveries never move state back.
CREATE TABLE Streams (
  StreamId STRING(64) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  State STRING(16) NOT NULL,
  StartedAt TIMESTAMP,
  EndedAt TIMESTAMP,
  LastEventAt TIMESTAMP NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (StreamId);

CREATE INDEX StreamsByChannel ON Streams (ChannelId, StartedAt DESC);

-- An auto-record session: where its HLS lives. RecordingId is the last part of the
-- IVS S3 prefix. StreamId is null until Recording Start has been seen.
CREATE TABLE Recordings (
  RecordingId STRING(64) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  StreamId STRING(64),
  Bucket STRING(256) NOT NULL,
  KeyPrefix STRING(1024) NOT NULL,
  State STRING(16) NOT NULL,
  StartedAt TIMESTAMP,
  EndedAt TIMESTAMP,
  DurationMs INT64,
  LastEventAt TIMESTAMP,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (RecordingId);

-- Kind: auto | marker | manual. Status: APPROVED (rendered at once), PENDING_APPROVAL
-- (marquee: waits for the content team) or REJECTED. Payload is the highlight.detected
-- event, so an approval renders exactly what was detected.
CREATE TABLE HighlightCandidates (
  RecordingId STRING(64) NOT NULL,
  HighlightId STRING(36) NOT NULL,
  Kind STRING(16) NOT NULL,
  Status STRING(24) NOT NULL,
  MomentStartS FLOAT64 NOT NULL,
  MomentEndS FLOAT64 NOT NULL,
  MomentEndedAt TIMESTAMP NOT NULL,
  Score FLOAT64 NOT NULL,
  Reason STRING(MAX) NOT NULL,
  ClipId STRING(36) NOT NULL,
  Payload JSON NOT NULL,
  DetectedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  DecidedAt TIMESTAMP OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (RecordingId, HighlightId),
  INTERLEAVE IN PARENT Recordings ON DELETE CASCADE;

CREATE INDEX HighlightsById ON HighlightCandidates (HighlightId);
CREATE INDEX HighlightsByStatus ON HighlightCandidates (Status, DetectedAt DESC);
CREATE INDEX RecordingsByStream ON Recordings (StreamId);

-- One row per (highlight, preset); ClipId is derived from (recording, start, end, preset).
-- State: RENDERING while a worker owns it, PUBLISHED once every output is in the bucket,
-- FAILED when the render queue's last attempt failed (the task is dead-lettered).
-- The feed preset's clip is visible from PublishedAt on: first as the instant clip
-- (InstantKey, a playlist over the recording), then as the rendered one. HiddenAt: taken
-- down by the content team (every preset of the highlight); no read shows it after that.
-- Title and Tags are set when the row is made (domain/clip_titles.py); Transcript stays
-- null until something provides one. They are searched through TextTokens (docs/feed.md).
CREATE TABLE Clips (
  RecordingId STRING(64) NOT NULL,
  ClipId STRING(36) NOT NULL,
  HighlightId STRING(36) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  StreamId STRING(64),
  Preset STRING(16) NOT NULL,
  State STRING(16) NOT NULL,
  Attempts INT64 NOT NULL,
  StartS FLOAT64 NOT NULL,
  EndS FLOAT64 NOT NULL,
  MomentEndedAt TIMESTAMP NOT NULL,
  Bucket STRING(256),
  InstantKey STRING(1024),
  ObjectKey STRING(1024),
  HlsKey STRING(1024),
  PosterKey STRING(1024),
  ThumbnailsKey STRING(1024),
  DurationS FLOAT64,
  Width INT64,
  Height INT64,
  SizeBytes INT64,
  LoudnessLufs FLOAT64,
  TruePeakDbtp FLOAT64,
  LoudnessMode STRING(16),
  CutMode STRING(16),
  RenderSeconds FLOAT64,
  PublishedAt TIMESTAMP,
  RenderedAt TIMESTAMP,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  HiddenAt TIMESTAMP,
  HiddenReason STRING(MAX),
  Title STRING(MAX),
  Tags ARRAY<STRING(MAX)>,
  Transcript STRING(MAX),
  TitleTokens TOKENLIST AS (TOKENIZE_FULLTEXT(Title)) HIDDEN,
  TextTokens TOKENLIST AS (TOKENLIST_CONCAT([
    TOKENIZE_FULLTEXT(Title), TOKENIZE_FULLTEXT(Tags), TOKENIZE_FULLTEXT(Transcript)])) HIDDEN,
) PRIMARY KEY (RecordingId, ClipId),
  INTERLEAVE IN PARENT Recordings ON DELETE CASCADE;

CREATE INDEX ClipsByPublishedAt ON Clips (Preset, PublishedAt DESC);
-- GET /v1/clips/{clip_id}: clip ids are unique on their own (derived from the recording).
CREATE UNIQUE INDEX ClipsById ON Clips (ClipId);
-- Search: all text in one token list, the title again to rank title matches first.
CREATE SEARCH INDEX ClipsText ON Clips (TextTokens, TitleTokens)
  STORING (Preset, PublishedAt, HiddenAt);

CREATE CHANGE STREAM ClipChanges FOR Clips;


-- One on-demand title per recorded show or uploaded video (Kind: recording | upload).
-- State: UPLOADING (uploads, until the file lands), PENDING until a MediaConvert job is
-- submitted, TRANSCODING while it runs, RETRYING between a failed attempt and the next,
-- READY once its outputs are validated and promoted, FAILED after the last attempt.
-- Source* is the job's input: the recording's top rendition playlist or the upload.
CREATE TABLE VodAssets (
  TitleId STRING(36) NOT NULL,
  Kind STRING(16) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  RecordingId STRING(64),
  Title STRING(MAX),
  SourceBucket STRING(256) NOT NULL,
  SourceKey STRING(1024) NOT NULL,
  SourceWidth INT64,
  SourceHeight INT64,
  SourceDurationMs INT64,
  State STRING(16) NOT NULL,
  Attempts INT64 NOT NULL,
  JobId STRING(64),
  Bucket STRING(256),
  MasterKey STRING(1024),
  PosterKey STRING(1024),
  DurationMs INT64,
  LastError STRING(MAX),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  ReadyAt TIMESTAMP OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (TitleId);

CREATE INDEX VodAssetsByChannel ON VodAssets (ChannelId, CreatedAt DESC);
CREATE INDEX VodAssetsByState ON VodAssets (State, UpdatedAt);

-- The ladder a READY title plays: one row per HLS rendition, from the job's output
-- details and the master playlist.
CREATE TABLE VodRenditions (
  TitleId STRING(36) NOT NULL,
  Name STRING(32) NOT NULL,
  Width INT64 NOT NULL,
  Height INT64 NOT NULL,
  Bandwidth INT64 NOT NULL,
  PlaylistKey STRING(1024) NOT NULL,
  DurationMs INT64 NOT NULL,
) PRIMARY KEY (TitleId, Name),
  INTERLEAVE IN PARENT VodAssets ON DELETE CASCADE;

-- Every MediaConvert job submitted for a title, and how it ended: the audit trail of
-- retries. Status: SUBMITTED | COMPLETE | ERROR | CANCELED.
CREATE TABLE VodJobs (
  TitleId STRING(36) NOT NULL,
  Attempt INT64 NOT NULL,
  JobId STRING(64) NOT NULL,
  Status STRING(16) NOT NULL,
  ErrorCode INT64,
  ErrorMessage STRING(MAX),
  SubmittedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  FinishedAt TIMESTAMP OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (TitleId, Attempt),
  INTERLEAVE IN PARENT VodAssets ON DELETE CASCADE;

-- Where each viewer is in each title (Kind: vod | clip), one row per (user, title) so a
-- resume is a point read. Written at most every ~10 s per row and on pause/stop/end
-- (domain/playback.py), not on every heartbeat. Rows of finished titles stay: the
-- continue-watching query skips them, and a replay resumes from 0.
CREATE TABLE WatchProgress (
  UserId STRING(128) NOT NULL,
  TitleId STRING(36) NOT NULL,
  Kind STRING(8) NOT NULL,
  PositionS FLOAT64 NOT NULL,
  DurationS FLOAT64 NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (UserId, TitleId);

-- Continue-watching: a user's most recently watched titles, newest first, with what the
-- list shows stored in the index (no back-join). UserId leads, so the commit timestamp
-- never makes a write hotspot.
CREATE INDEX WatchProgressByUser ON WatchProgress (UserId, UpdatedAt DESC)
  STORING (Kind, PositionS, DurationS);

-- One row per counted play: the key is the playback session, so a redelivered or
-- concurrent report that crosses the threshold again cannot count twice. Redis holds the
-- hot per-title counter; this table is what it is rebuilt from.
CREATE TABLE Plays (
  TitleId STRING(36) NOT NULL,
  SessionId STRING(64) NOT NULL,
  UserId STRING(128) NOT NULL,
  Kind STRING(8) NOT NULL,
  CountedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (TitleId, SessionId);

-- The AI moderation's verdict on every chat message it judged (allowed ones too: the
-- audit trail says what was seen, not only what was removed). Action: allow | delete |
-- delete_and_disconnect. ReviewState: NONE (not flagged), OPEN (flagged, a moderator has not
-- looked), UPHELD / OVERTURNED (a moderator decided), APPEALED (the author disagrees).
CREATE TABLE ChatVerdicts (
  RoomId STRING(64) NOT NULL,
  MessageId STRING(128) NOT NULL,
  RoomArn STRING(256) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  UserId STRING(128) NOT NULL,
  Text STRING(MAX) NOT NULL,
  SentAt TIMESTAMP NOT NULL,
  Flagged BOOL NOT NULL,
  Categories ARRAY<STRING(64)> NOT NULL,
  TopScore FLOAT64 NOT NULL,
  Action STRING(24) NOT NULL,
  Reason STRING(MAX) NOT NULL,
  Model STRING(64) NOT NULL,
  ReviewState STRING(16) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (RoomId, MessageId);

-- The moderator queue: flagged and appealed verdicts, oldest first within a state.
CREATE INDEX ChatVerdictsByState ON ChatVerdicts (ReviewState, CreatedAt);

-- Append-only history of each verdict: the AI's, moderators' decisions, authors' appeals.
-- Kind: ai | decision | appeal. Actor: the model, a moderator or the author.
CREATE TABLE ModerationEvents (
  RoomId STRING(64) NOT NULL,
  MessageId STRING(128) NOT NULL,
  EventId STRING(36) NOT NULL,
  Kind STRING(16) NOT NULL,
  Actor STRING(128) NOT NULL,
  Outcome STRING(24) NOT NULL,
  Note STRING(MAX),
  OccurredAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (RoomId, MessageId, EventId),
  INTERLEAVE IN PARENT ChatVerdicts ON DELETE CASCADE;

-- The live-now directory (few streams are LIVE at once, and state changes are rare) and
-- a creator's own clips in the studio.
CREATE INDEX StreamsByState ON Streams (State, StartedAt DESC);
CREATE INDEX ClipsByChannel ON Clips (ChannelId, CreatedAt DESC);


-- ---------------------------------------------------------------------------------------
-- The social layer (docs/social.md): follows and comments.
-- ---------------------------------------------------------------------------------------

-- Who follows which channel (a creator is followed through their channel). One row per
-- (follower, channel): following twice is a no-op, unfollowing deletes the row.
CREATE TABLE Follows (
  UserId STRING(128) NOT NULL,
  ChannelId STRING(64) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (UserId, ChannelId);

-- A channel's followers, for the creator.live fan-out on go-live (read in pages).
CREATE INDEX FollowsByChannel ON Follows (ChannelId, UserId);

-- Comments on a clip (SubjectKind clip) or an on-demand title (vod). SubjectKind and
-- SubjectId lead the key so one subject's comments are one range read; CommentId is a
-- UUIDv4. State: VISIBLE, REMOVED (the AI moderation or the content team), DELETED (its
-- author). Text is what the inline rules let through (redacted when terms were masked).
CREATE TABLE Comments (
  SubjectKind STRING(8) NOT NULL,
  SubjectId STRING(64) NOT NULL,
  CommentId STRING(36) NOT NULL,
  UserId STRING(128) NOT NULL,
  Text STRING(MAX) NOT NULL,
  State STRING(16) NOT NULL,
  Reports INT64 NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
  ModeratedAt TIMESTAMP OPTIONS (allow_commit_timestamp = true),
  ModerationReason STRING(MAX),
) PRIMARY KEY (SubjectKind, SubjectId, CommentId);

-- The list: newest first within a subject, paged by (CreatedAt, CommentId).
CREATE INDEX CommentsBySubject ON Comments (SubjectKind, SubjectId, CreatedAt DESC, CommentId)
  STORING (UserId, Text, State, Reports);
-- Delete and report name a comment by its id alone.
CREATE UNIQUE INDEX CommentsById ON Comments (CommentId);

-- One row per (comment, reporter): a second report by the same viewer counts once.
CREATE TABLE CommentReports (
  SubjectKind STRING(8) NOT NULL,
  SubjectId STRING(64) NOT NULL,
  CommentId STRING(36) NOT NULL,
  ReporterId STRING(128) NOT NULL,
  Reason STRING(64) NOT NULL,
  ReportedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (SubjectKind, SubjectId, CommentId, ReporterId),
  INTERLEAVE IN PARENT Comments ON DELETE CASCADE;

-- Viewers' accounts (docs/accounts.md, ADR 0017). A user is one person whatever way they
-- sign in: with an email and password (PasswordCredentials) or through an external
-- identity provider (FederatedIdentities). Email is the normalised address of password
-- accounts and is unique; federated users have none here (an external provider's email is
-- never used to link accounts: that would hand an account to whoever controls the
-- provider's claim). Role: viewer | creator | moderator | admin (liveclips/domain/access.py).
CREATE TABLE Users (
  UserId STRING(36) NOT NULL,
  Email STRING(254),
  Role STRING(16) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (UserId);

-- Sign-in's point lookup, and what makes a second account with the same email fail.
CREATE UNIQUE NULL_FILTERED INDEX UsersByEmail ON Users (Email);

-- The argon2id hash (PHC string: algorithm, parameters, salt and hash) of a user's password.
CREATE TABLE PasswordCredentials (
  UserId STRING(36) NOT NULL,
  PasswordHash STRING(512) NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (UserId),
  INTERLEAVE IN PARENT Users ON DELETE CASCADE;

-- An external provider's subject mapped to our user, made the first time a token of that
-- provider is seen: (issuer, sub) is a point read on every first verification.
CREATE TABLE FederatedIdentities (
  Issuer STRING(512) NOT NULL,
  Subject STRING(255) NOT NULL,
  UserId STRING(36) NOT NULL,
  Email STRING(254),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (Issuer, Subject);

CREATE INDEX FederatedIdentitiesByUser ON FederatedIdentities (UserId);

-- Where a viewer's push notifications go: one row per app install (the FCM registration
-- token or the APNs device token). A token the provider calls unregistered is deleted.
CREATE TABLE PushDevices (
  UserId STRING(128) NOT NULL,
  Token STRING(512) NOT NULL,
  Platform STRING(8) NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true),
) PRIMARY KEY (UserId, Token);
