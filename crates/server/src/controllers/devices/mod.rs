//! Certified devices: the public list (HTML, JSON, CSV) and the device page.

pub mod csv;
pub mod evaluation;
pub mod index;
pub mod show;
pub mod st;

use dtsec_registry::DeviceFilter;
use serde::Deserialize;

/// The list's filters (a GET form, so a filtered list is a link).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DevicesQueryParams {
    /// Free text: product, manufacturer or certificate id.
    pub q: Option<String>,
    /// TOE type id.
    pub device_type: Option<String>,
    /// Manufacturer organisation id.
    pub manufacturer: Option<String>,
    /// Package id.
    pub package: Option<String>,
    /// Certificate status.
    pub status: Option<String>,
    /// Lab organisation id.
    pub lab: Option<String>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl DevicesQueryParams {
    /// The registry's filter (empty fields mean "any").
    pub fn filter(&self) -> DeviceFilter {
        DeviceFilter {
            text: some(&self.q),
            toe_type: some(&self.device_type),
            manufacturer: some(&self.manufacturer),
            package: some(&self.package),
            status: some(&self.status),
            lab: some(&self.lab),
            limit: None,
        }
    }
}
