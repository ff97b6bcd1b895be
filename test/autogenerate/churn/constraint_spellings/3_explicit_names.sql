-- Explicit names equal to the ones PostgreSQL would generate, added later.
CREATE TABLE account (id integer NOT NULL, email text NOT NULL, age int, kind text);
ALTER TABLE account ADD CONSTRAINT account_pkey PRIMARY KEY (id);
ALTER TABLE account ADD CONSTRAINT account_email_key UNIQUE (email);
ALTER TABLE account ADD CONSTRAINT account_age_check CHECK ((age >= 0));
ALTER TABLE account ADD CONSTRAINT account_kind_check CHECK (((kind = 'a') OR (kind = 'b'))) ;
ALTER TABLE account DROP CONSTRAINT account_kind_check;
ALTER TABLE account ADD CONSTRAINT account_kind_check CHECK (kind IN ('a', 'b'));
CREATE TABLE session (id int CONSTRAINT session_pkey PRIMARY KEY, account_id int NOT NULL);
ALTER TABLE session ADD CONSTRAINT session_account_id_fkey FOREIGN KEY (account_id) REFERENCES account MATCH SIMPLE ON DELETE CASCADE;
