-- The older ScreenConnect App_Data/Session.db layout (21.x era) in miniature: connections in
-- SessionConnectionEvent, EventAttributes on SessionEvent (1 = hidden from the web UI), and the login table kept
-- in Session.db itself, with text addresses. No EventID: rows are told apart by rowid. Times are .NET ticks (UTC).
-- `samples/screenconnect/generate DIR create legacy` writes it.
CREATE TABLE Session (
  SessionID BLOB NOT NULL PRIMARY KEY,
  SessionType INTEGER NOT NULL,
  Name TEXT,
  Host TEXT,
  IsPublic INTEGER NOT NULL DEFAULT 0,
  Code TEXT,
  GuestMachineName TEXT,
  GuestOperatingSystemName TEXT,
  CreatedTime INTEGER
);
CREATE TABLE SessionEvent (
  SessionID BLOB NOT NULL,
  ConnectionID BLOB,
  Host TEXT,
  Time INTEGER NOT NULL,
  EventType INTEGER NOT NULL,
  Data TEXT,
  EventAttributes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE SessionConnection (
  ConnectionID BLOB NOT NULL PRIMARY KEY,
  SessionID BLOB NOT NULL,
  ProcessType INTEGER NOT NULL,
  ParticipantName TEXT,
  NetworkAddress TEXT
);
CREATE TABLE SessionConnectionEvent (
  ConnectionID BLOB NOT NULL,
  EventType INTEGER NOT NULL,
  Time INTEGER NOT NULL,
  Data TEXT,
  EventAttributes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE SecurityEvent (
  Time INTEGER NOT NULL,
  EventType INTEGER NOT NULL,
  OperationResult INTEGER NOT NULL,
  UserName TEXT,
  UserSource TEXT,
  NetworkAddress TEXT
);
