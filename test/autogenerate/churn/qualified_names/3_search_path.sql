-- Created under another search_path, in another order.
CREATE SCHEMA scratch;
SET search_path = scratch, public;
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TYPE public.status AS ENUM ('new', 'done');
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int, s public.status DEFAULT 'new');
ALTER TABLE public.child ADD FOREIGN KEY (parent_id) REFERENCES public.parent;
CREATE INDEX child_parent ON public.child (parent_id);
CREATE VIEW public.child_view AS SELECT child.id, child.parent_id FROM public.child;
RESET search_path;
DROP SCHEMA scratch;
