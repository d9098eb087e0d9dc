"""The demo's sample portals, written for this project."""
