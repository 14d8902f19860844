"""What published lists become: the public portal, search, responsibility lookup, handbooks."""
