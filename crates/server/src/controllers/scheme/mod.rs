//! The scheme's rules (issue 10, F22): what they are, for everyone; the administrator sets them.

pub mod rules;
