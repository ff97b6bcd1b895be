CREATE SEQUENCE thing_id_seq AS integer;
CREATE SEQUENCE thing_big_seq;
CREATE TABLE thing (
    id integer NOT NULL DEFAULT nextval('thing_id_seq'::regclass),
    big bigint NOT NULL DEFAULT nextval('public.thing_big_seq'),
    name text,
    CONSTRAINT thing_pkey PRIMARY KEY (id)
);
ALTER SEQUENCE thing_id_seq OWNED BY thing.id;
ALTER SEQUENCE public.thing_big_seq OWNED BY public.thing.big;
