"""Normalizers: pure functions from page bytes to records. No Scrapy, storage, feeds or edge."""
