//! Role D: the group's security standard (基準) — items that are tiered, measurable and
//! explained — and, around it, exceptions, advice, the watch list and the glossary.

mod advice;
mod applicability;
mod exceptions;
mod framework;
mod glossary;
mod items;

pub use advice::*;
pub use applicability::*;
pub use exceptions::*;
pub use framework::*;
pub use glossary::*;
pub use items::*;
