"""Oversight across counties (issue 21). docs/oversight.md.

Access: who may oversee which county (:mod:`.grants`, :mod:`.scope`), what an overseer may
read (:mod:`.published`) and the stored indicators (:mod:`.storage`).

Computations and outputs: burden indicators per county, township and township type as of a
date (:mod:`.indicators`, shapes in :mod:`.model`, SQL in :mod:`.queries`), the cross-county
comparison by legal provision (:mod:`.comparison`), the PDF and Excel reports
(:mod:`.reports`) and the public figures' chart JSON (:mod:`.public`)."""
