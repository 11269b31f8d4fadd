-- ScreenConnect App_Data/Security.db (25.2, 25.4): one row per login, logout and password attempt. EventID is a
-- 16-byte .NET GUID, NetworkAddress the raw 4- or 16-byte address, Time .NET ticks (UTC).
CREATE TABLE SecurityEvent (
  EventID BLOB NOT NULL PRIMARY KEY,
  EventType INTEGER NOT NULL,
  OperationResult INTEGER NOT NULL,
  Time INTEGER NOT NULL,
  NetworkAddress BLOB,
  UserAgent TEXT,
  UserSource TEXT,
  UrlReferrer TEXT,
  UserName TEXT
);
