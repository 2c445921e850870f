//! Role E: risk management — the organisation's context, the criteria an assessment rates risks against (risk matrices
//! of likelihood and impact levels), the information-asset inventory, the register built on
//! them, and the treatment plan.

mod asset;
mod context;
mod matrix;
mod register;
mod report;
mod treatment;

pub use asset::*;
pub use context::*;
pub use matrix::*;
pub use register::*;
pub use report::*;
pub use treatment::*;
