"""A tenant's jurisdictions: the township tree, units, division codes and the working calendar."""
