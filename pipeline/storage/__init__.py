"""Storage: schema, writer, queries. Imports no normalizer."""
