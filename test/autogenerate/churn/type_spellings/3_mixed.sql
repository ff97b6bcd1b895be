CREATE TABLE typed (
    n _int4, m float(24), l bit varying(8), k time with time zone, j numeric(10, 2), i bpchar(3),
    h boolean, g float(53), f int2, e bigint, d int, c timestamp, b timestamptz, a varchar(40)
);
