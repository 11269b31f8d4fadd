-- A small MSP: four user classes (Admins carry the SuperAdmin bit, Permissions & 1) and six technicians.
INSERT INTO userclasses (ClassID, Name, Permissions) VALUES
  (1, 'Admins',       2147483647),
  (2, 'Technicians',  62),
  (3, 'Helpdesk',     6),
  (4, 'Read Only',    2);

INSERT INTO mastergroups (GroupID, Name) VALUES (1, 'All Clients'), (2, 'Contoso'), (3, 'Fabrikam');

INSERT INTO users (UserID, Name, Password, Email, ClientID, Secondary, AuditLevel, Last_Date) VALUES
  (1, 'root',  SHA2('root-hash-sample', 256),  'it@msp.example',    '1,',   '1,',   0, '2026-11-20 08:00:00'),
  (2, 'alice', SHA2('alice-hash-sample', 256), 'alice@msp.example', '1,',   '1,',   5, '2026-11-20 08:12:00'),
  (3, 'bob',   SHA2('bob-hash-sample', 256),   'bob@msp.example',   '2,',   '2,3,', 5, '2026-11-20 09:30:00'),
  (4, 'carol', SHA2('carol-hash-sample', 256), 'carol@msp.example', '3,',   '2,',   5, '2026-11-20 10:05:00'),
  (5, 'dave',  SHA2('dave-hash-sample', 256),  'dave@msp.example',  '3,4,', '3,',   5, '2026-11-19 16:45:00'),
  (6, 'frank', SHA2('frank-hash-sample', 256), 'frank@msp.example', '2,',   '2,',   5, '2026-06-01 12:00:00');

INSERT INTO lt_scripts (ScriptID, ScriptName) VALUES (1, 'Patch Tuesday'), (2, 'Restart Spooler');
