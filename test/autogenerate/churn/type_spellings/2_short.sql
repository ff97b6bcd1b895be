CREATE TABLE typed (
    a varchar(40),
    b timestamptz,
    c timestamp,
    d int4,
    e int8,
    f int2,
    g float8,
    h bool,
    i char(3),
    j decimal(10,2),
    k timetz,
    l varbit(8),
    m float4,
    n int[]
);
