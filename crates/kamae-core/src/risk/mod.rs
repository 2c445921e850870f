//! Role E: risk management — the criteria an assessment rates risks against (risk matrices
//! of likelihood and impact levels), and the register built on them.

mod matrix;
mod register;

pub use matrix::*;
pub use register::*;
