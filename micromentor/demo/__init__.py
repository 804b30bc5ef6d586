"""A deterministic, realistic run of the whole program against the live stack."""
