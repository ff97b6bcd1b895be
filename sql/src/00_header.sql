-- metamigrate 0.1.0: catalog and SQL API.
\echo Use "CREATE EXTENSION metamigrate" to load this file. \quit

