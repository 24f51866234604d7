//! Selection strategies, output-signature clustering and contest simulation: pure functions over
//! judged, scored candidates.
//!
//! Depends only on `domain` (and `scoring`'s scores as plain numbers); no I/O. (Built by the
//! selection issue; this crate is the place it goes.)
