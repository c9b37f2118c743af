"""Small query functions, one module per feature; each takes a Session and returns models."""
