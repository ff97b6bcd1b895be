-- A different DateStyle and search_path when the DDL ran do not show.
SET DateStyle = 'SQL, DMY';
SET search_path = pg_catalog, public;
CREATE TABLE public.d (
    a text DEFAULT 'x', b varchar(10) DEFAULT 'y', c numeric DEFAULT '0', e timestamptz DEFAULT now(),
    f boolean DEFAULT true, g jsonb DEFAULT '{}', h date DEFAULT '31/01/2024'
);
