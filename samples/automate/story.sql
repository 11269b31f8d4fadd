-- The demo's story: each "-- @step" line is a caption; the statements under it run together.
-- @step alice logs in to the Control Center
UPDATE users SET Last_Date = '2026-11-21 08:01:00' WHERE Name = 'alice';
-- @step a new technician, erin, is created in class Technicians
INSERT INTO users (Name, Password, Email, ClientID, Secondary, AuditLevel)
  VALUES ('erin', SHA2('erin-hash-sample', 256), 'erin@msp.example', '2,', '2,', 5);
-- @step bob is added to class Admins: he becomes SuperAdmin
UPDATE users SET ClientID = '2,1,' WHERE Name = 'bob';
-- @step the SuperAdmin bit is set on class Helpdesk: every member becomes SuperAdmin
UPDATE userclasses SET Permissions = Permissions | 1 WHERE Name = 'Helpdesk';
-- @step carol's audit level is lowered from 5 to 0
UPDATE users SET AuditLevel = 0 WHERE Name = 'carol';
-- @step dave's password is changed (the value never leaves the forwarder)
UPDATE users SET Password = SHA2('dave-new-hash-sample', 256) WHERE Name = 'dave';
-- @step former employee frank is deleted
DELETE FROM users WHERE Name = 'frank';
