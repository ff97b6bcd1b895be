CREATE TABLE measure (id bigint PRIMARY KEY, counter bigint NOT NULL DEFAULT 0, label varchar(200), ratio double precision, amount numeric(12,2));
