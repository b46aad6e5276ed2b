//! Certification cases: a manufacturer registers a product and submits its ST and lab choice;
//! the lab starts the evaluation and submits the sealed ETR; the certifier reviews it.

pub mod choose_lab;
pub mod create;
pub mod etr;
pub mod index;
pub mod review;
pub mod show;
pub mod st;
pub mod start_evaluation;
pub mod submit_etr;
pub mod submit_st;
