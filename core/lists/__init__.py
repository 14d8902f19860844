"""Township lists (一街一单): claims, review, publication, and post assignment (岗位分解)."""
