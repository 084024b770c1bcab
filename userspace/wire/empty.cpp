// Keeps the library non-empty while the core grows.
