//! The built-in Protection Profiles and packages, rendered by `dtsec-render`.

pub mod index;
pub mod show;
