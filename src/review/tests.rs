//! Unit tests of the review's layers.
