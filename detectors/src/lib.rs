//! Pure statistical detectors.
