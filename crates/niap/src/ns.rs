//! The XML namespaces NIAP documents use.
//!
//! Why a module of its own: every other module (the reader, the prose converter, the exporter)
//! needs these names, and keeping them at the bottom of the crate lets each of those depend on
//! this one without depending on the crate root, so the modules form a one-way graph.

/// The NIAP PP XML namespace.
pub const NIAP_NS: &str = "https://niap-ccevs.org/cc/v1";
/// The NIAP section namespace (`sec:` elements).
pub const NIAP_SECTION_NS: &str = "https://niap-ccevs.org/cc/v1/section";
/// The XHTML namespace NIAP prose uses (`h:` elements).
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
