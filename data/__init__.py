"""Reference data shipped with citynews (read through importlib.resources)."""
