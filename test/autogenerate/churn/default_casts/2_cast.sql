CREATE TABLE d (
    a text DEFAULT 'x'::text,
    b varchar(10) DEFAULT 'y'::text,
    c numeric DEFAULT 0::numeric,
    e timestamptz DEFAULT pg_catalog.now(),
    f boolean DEFAULT 'true',
    g jsonb DEFAULT '{}'::jsonb,
    h date DEFAULT DATE '2024-01-31'
);
