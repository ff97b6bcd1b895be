CREATE TABLE doc (id int, title text, score int, CONSTRAINT doc_pkey PRIMARY KEY (id));
CREATE INDEX doc_title ON public.doc USING btree (pg_catalog.lower(title) ASC NULLS LAST);
CREATE INDEX doc_score ON public.doc USING btree (score DESC NULLS FIRST) WHERE (score > 0);
CREATE VIEW public.top_docs (id, title) AS SELECT doc.id, doc.title FROM public.doc WHERE (doc.score > 10) ORDER BY doc.score DESC;
CREATE MATERIALIZED VIEW public.doc_count AS SELECT pg_catalog.count(*) AS n FROM public.doc WITH DATA;
