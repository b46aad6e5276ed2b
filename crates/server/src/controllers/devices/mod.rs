//! Certified devices: the public list (HTML, JSON, CSV) and the device page.

pub mod coverage;
pub mod csv;
pub mod evaluation;
pub mod index;
pub mod show;
pub mod st;
pub mod timeline;

pub mod feed;
pub mod posture;

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
    /// Continue after this position (the `next` of the page before).
    pub after: Option<String>,
    /// Rows per page (default 100, at most 1000).
    pub limit: Option<u32>,
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
            after: some(&self.after),
            limit: self.limit,
        }
    }
}

impl DevicesQueryParams {
    /// The filters as a query string (empty when there are none): the CSV link keeps them.
    pub fn filter_query(&self) -> String {
        self.filter_pairs().join("&")
    }

    /// The query string of the page after `next`, with the same filters (for `next` links).
    pub fn next_query(&self, next: &str) -> String {
        let mut pairs = self.filter_pairs();
        if let Some(l) = self.limit {
            pairs.push(format!("limit={l}"));
        }
        pairs.push(format!("after={}", crate::html::url(next)));
        pairs.join("&")
    }

    fn filter_pairs(&self) -> Vec<String> {
        [
            ("q", &self.q),
            ("device_type", &self.device_type),
            ("manufacturer", &self.manufacturer),
            ("package", &self.package),
            ("status", &self.status),
            ("lab", &self.lab),
        ]
        .into_iter()
        .filter_map(|(k, v)| some(v).map(|v| format!("{k}={}", crate::html::url(&v))))
        .collect()
    }
}
