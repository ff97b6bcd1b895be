-- Verify blog:appschema on pg

SELECT pg_catalog.has_schema_privilege('blog', 'usage');
