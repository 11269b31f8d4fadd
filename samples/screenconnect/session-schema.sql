-- ScreenConnect 25.x App_Data/Session.db in miniature, with the tables and columns of real 25.x databases:
-- connect/disconnect are SessionEvent rows (10/11) with a ConnectionID; there is no SessionConnectionEvent and no
-- EventAttributes (hiding an event deletes its row). Ids are 16-byte .NET GUIDs, addresses raw 4- or 16-byte
-- blobs, times .NET ticks (UTC). Login events live in Security.db (security-schema.sql).
CREATE TABLE Session (
  SessionID BLOB NOT NULL PRIMARY KEY,
  SessionType INTEGER NOT NULL,
  Name TEXT,
  Host TEXT,
  IsPublic INTEGER NOT NULL DEFAULT 0,
  Code TEXT,
  GuestMachineName TEXT,
  GuestMachineDomain TEXT,
  GuestLoggedOnUserName TEXT,
  GuestPrivateNetworkAddress BLOB,
  GuestOperatingSystemName TEXT
);
CREATE TABLE SessionConnection (
  SessionID BLOB NOT NULL,
  ConnectionID BLOB NOT NULL PRIMARY KEY,
  ProcessType INTEGER NOT NULL,
  ClientType INTEGER,
  ClientVersion TEXT,
  Attributes INTEGER NOT NULL DEFAULT 0,
  NetworkAddress BLOB,
  ParticipantName TEXT
);
CREATE TABLE SessionEvent (
  SessionID BLOB NOT NULL,
  EventID BLOB NOT NULL,
  EventType INTEGER NOT NULL,
  ConnectionID BLOB,
  CorrelationEventID BLOB,
  Host TEXT,
  Time INTEGER NOT NULL,
  Data TEXT,
  PRIMARY KEY (SessionID, EventID)
);
