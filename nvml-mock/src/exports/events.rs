//! Event sets.
