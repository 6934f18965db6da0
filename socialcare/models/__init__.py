"""The model artifact shipped with socialcare (package data)."""
