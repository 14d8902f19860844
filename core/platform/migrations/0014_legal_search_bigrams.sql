-- Issue 19: legal search by words of two characters (消防, 征用) without reading every article.
--
-- An inverted index of character bigrams over the shared library's current articles, built by
-- the corpus load (core/legal/search_index.py) — the lists' search_postings idea. It replaces
-- the trigram index and the SECURITY DEFINER function of migration 0008: a two-character word
-- has no trigram, and the function existed only because row-level security kept the trigram
-- index from serving the application role (ILIKE is not leakproof). These tables hold nothing
-- but the public national library's positions, so the application role reads them directly and
-- the articles themselves are then read by primary key under the usual policy.
--
-- Citus: all three are reference tables (core/platform/distribution.py), like the library.
DROP FUNCTION qingdan_shared_article_hits(text[]);
DROP INDEX IF EXISTS provisions_article_text_trgm;

-- The shared library's current articles, numbered. A rebuild numbers them in search-result order
-- (title, document, article) and marks them `ordered`: the first hits of a page are then the
-- smallest numbers, and a search reads only as many candidates as the page needs. A version stored
-- later (an amendment recorded through the API) is appended with higher numbers, not ordered.
CREATE TABLE legal_search_articles (
  ordinal     integer PRIMARY KEY,
  document_id uuid NOT NULL,
  version_id  uuid NOT NULL,
  article     integer NOT NULL,
  title       text NOT NULL,
  ordered     boolean NOT NULL
);
-- A cursor (title, document, article) → the ordinal to continue after; a search within one
-- document → its range of ordinals.
CREATE INDEX legal_search_articles_position ON legal_search_articles (title, document_id, article);
CREATE INDEX legal_search_articles_document ON legal_search_articles (document_id, ordinal);

-- bigram: two characters of an article's text, lower-cased (none with whitespace: a search word
-- has none); ordinals: the ordered articles holding it, ascending, as little-endian uint32
-- (read without a conversion per number); n: how many.
CREATE TABLE legal_search_postings (
  bigram   text COLLATE "C" PRIMARY KEY,
  ordinals bytea NOT NULL,
  n        integer NOT NULL
);

-- The bigrams of appended articles, one row each (an append writes a few rows rather than
-- rewriting long posting lists); the next rebuild folds them in.
CREATE TABLE legal_search_appended (
  bigram  text COLLATE "C" NOT NULL,
  ordinal integer NOT NULL,
  PRIMARY KEY (bigram, ordinal)
);

GRANT SELECT ON legal_search_articles, legal_search_postings, legal_search_appended TO {app_role};
