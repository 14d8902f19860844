"""Oversight across counties (issue 21): burden indicators per county, township and township
type as of a date (:mod:`.indicators`), the cross-county comparison by legal provision
(:mod:`.comparison`), the reports (:mod:`.reports`: PDF, Excel, the public figures' JSON).
Access (overseers, grants, stored results) and the endpoints are the access side's
(:mod:`.storage` and ``api/``). See docs/oversight.md."""
