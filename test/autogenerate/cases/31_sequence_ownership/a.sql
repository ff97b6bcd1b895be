CREATE TABLE ledger (id int NOT NULL, ref int);
CREATE SEQUENCE ledger_seq OWNED BY ledger.id;
ALTER TABLE ledger ALTER COLUMN id SET DEFAULT nextval('ledger_seq');
