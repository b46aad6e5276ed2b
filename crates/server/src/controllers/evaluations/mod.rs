//! The public list of products in evaluation (`/evaluations`, `/api/v1/evaluations`).

pub mod index;
