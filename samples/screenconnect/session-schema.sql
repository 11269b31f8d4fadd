-- A ScreenConnect App_Data/Session.db in miniature: the tables the forwarder reads, with the columns public
-- material confirms (Session, SessionEvent, SessionConnection, SessionConnectionEvent) and the likely shape of
-- the login table (SecurityEvent: unverified). Times are .NET ticks (UTC), ids 16-byte .NET GUIDs.
-- Used by the generator (dev.rmmaudit.forwarder.demo.ScreenConnectSample), the tests and `demo --screenconnect`.
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
