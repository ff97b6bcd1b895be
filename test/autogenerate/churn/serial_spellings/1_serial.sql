CREATE TABLE thing (id serial PRIMARY KEY, big bigserial, name text);
