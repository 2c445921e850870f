//! kamae's domain, without IO: what the CISO office's records are, who may touch them,
//! how documents move through approval, how the twelve artifacts of roles A–G feed each
//! other, and how the audit trail is chained. The store and the web only fetch, call this,
//! and render.

pub mod access;
pub mod approval;
pub mod artifact;
pub mod audit;
pub mod calendar;
pub mod cases;
pub mod error;
pub mod ids;
pub mod money;
pub mod org;
pub mod risk;
pub mod rules;
pub mod text;

pub use error::Problem;
