//! (filled in by the impact work)
