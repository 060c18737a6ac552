//! Verifying collections against DATs.
