CREATE TABLE tenant (id int PRIMARY KEY);
CREATE TABLE doc (tenant_id int NOT NULL REFERENCES tenant, id int NOT NULL, title text, PRIMARY KEY (tenant_id, id)) PARTITION BY HASH (tenant_id);
CREATE TABLE doc_0 PARTITION OF doc FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE doc_1 PARTITION OF doc FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE link (tenant_id int, doc_id int, FOREIGN KEY (tenant_id, doc_id) REFERENCES doc);
CREATE INDEX doc_title ON doc (title);
