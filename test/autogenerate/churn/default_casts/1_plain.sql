CREATE TABLE d (
    a text DEFAULT 'x',
    b varchar(10) DEFAULT 'y',
    c numeric DEFAULT 0,
    e timestamptz DEFAULT now(),
    f boolean DEFAULT true,
    g jsonb DEFAULT '{}',
    h date DEFAULT '2024-01-31'
);
