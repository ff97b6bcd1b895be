CREATE TABLE ledger (id int NOT NULL, ref int);
CREATE SEQUENCE ledger_seq OWNED BY ledger.ref;
ALTER TABLE ledger ALTER COLUMN ref SET DEFAULT nextval('ledger_seq');
CREATE SEQUENCE standalone_seq;
