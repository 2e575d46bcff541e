//! Setters.
