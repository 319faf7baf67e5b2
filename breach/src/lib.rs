//! Breach-notification rules engine.
