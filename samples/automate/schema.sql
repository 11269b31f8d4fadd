-- An Automate-like `labtech` schema: the tables the forwarder reads, with the columns public tooling
-- shows (types are not published; these are plausible). Used by `forwarder demo` and the tests.
CREATE TABLE users (
  UserID       INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ClientID     VARCHAR(255) NOT NULL DEFAULT '',
  Name         VARCHAR(50)  NOT NULL,
  Password     VARCHAR(255) NOT NULL DEFAULT '',
  Email        VARCHAR(255) NOT NULL DEFAULT '',
  Permissions  BIGINT       NOT NULL DEFAULT 0,
  Flags        INT          NOT NULL DEFAULT 0,
  TicketLevel  INT          NOT NULL DEFAULT 0,
  OpenTickets  INT          NOT NULL DEFAULT 0,
  NewTickets   INT          NOT NULL DEFAULT 0,
  Secondary    VARCHAR(255) NOT NULL DEFAULT '',
  MapiProfile  VARCHAR(100) NOT NULL DEFAULT '',
  CommandLevel INT          NOT NULL DEFAULT 0,
  Manager      INT          NOT NULL DEFAULT 0,
  LoginReport  INT          NOT NULL DEFAULT 0,
  LogoutReport INT          NOT NULL DEFAULT 0,
  AuditLevel   INT          NOT NULL DEFAULT 5,
  TicketRouter INT          NOT NULL DEFAULT 0,
  RegionID     INT          NOT NULL DEFAULT 0,
  GroupSecurity INT         NOT NULL DEFAULT 0,
  FolderID     INT          NOT NULL DEFAULT 0,
  ImageID      INT          NOT NULL DEFAULT 0,
  Last_Date    DATETIME     NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE userclasses (
  ClassID         INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  Name            VARCHAR(50) NOT NULL,
  Permissions     BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PermissionsHigh BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE mastergroups (
  GroupID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  Name    VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE lt_scripts (
  ScriptID   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ScriptName VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE h_scripts (
  HisID            INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ScriptID         INT NOT NULL,
  ComputerID       INT NOT NULL,
  ScriptInstanceID INT NOT NULL DEFAULT 0,
  ScriptStatus     INT NOT NULL DEFAULT 0,
  FinishStatus     INT NOT NULL DEFAULT 0,
  HistoryDate      DATETIME NULL,
  StartedDate      DATETIME NULL,
  RunByUser        VARCHAR(50) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Remote commands to endpoints (CmdID, ComputerID, Command, Parameters, Output confirmed; the rest a guess).
CREATE TABLE commands (
  CmdID       INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ComputerID  INT NOT NULL,
  Command     INT NOT NULL,
  Parameters  TEXT NULL,
  Output      MEDIUMTEXT NULL,
  Status      INT NOT NULL DEFAULT 0,
  DateUpdated DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A STAND-IN, not Automate's real table: Automate's failed-login table is not publicly named. It matches
-- the template samples/mappings/automate/loginfailures.yml so the demo and tests can show the
-- failed-login rules. On a real server, find the table and adapt the template.
CREATE TABLE loginfailures (
  FailureID  INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  UserName   VARCHAR(50)  NOT NULL,
  IPAddress  VARCHAR(45)  NOT NULL DEFAULT '',
  Reason     VARCHAR(100) NOT NULL DEFAULT '',
  FailDate   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
