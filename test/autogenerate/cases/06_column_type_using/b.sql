-- text -> integer and integer -> boolean have no assignment cast: USING.
CREATE TABLE reading (id int PRIMARY KEY, value integer, enabled boolean, code bigint);
