CREATE TABLE typed (
    a character varying(40),
    b timestamp with time zone,
    c timestamp without time zone,
    d integer,
    e bigint,
    f smallint,
    g double precision,
    h boolean,
    i character(3),
    j numeric(10,2),
    k time with time zone,
    l bit varying(8),
    m real,
    n integer[]
);
