"""Resources shipped with socialcare: the VADER valence lexicon (MIT licence)."""
