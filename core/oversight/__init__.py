"""Oversight across counties (issue 21): who may oversee which county (grants), what an
overseer may read (published lists and catalogs, stored burden indicators), and the burden
indicators, cross-county comparisons and reports themselves. docs/oversight.md."""
