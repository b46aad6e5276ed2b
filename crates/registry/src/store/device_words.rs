//! Device forms and roles in words, for the public pages: a patient or a buyer reads "Insulin
//! pump — therapy delivery, AID host", not `pump` or `TT.PUMP`.
//!
//! Why from the built-in PPs and the certified ST: the words are the PPs' own titles of their
//! forms, roles and 1.0 TOE types, so the page says what the profile means; and the roles are
//! those the evaluated ST claims, read from the ST the certificate rests on (the certificate
//! itself names only the product's form, by id).

use dtsec_model::{DocumentKind, Library};

use super::Store;
use crate::error::Result;

/// The roles of the built-in PPs and PP-Modules, (id, title), read once when the store opens.
pub(crate) fn builtin_role_titles(lib: &Library) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = lib
        .documents()
        .filter(|d| {
            matches!(
                d.document.kind.value,
                DocumentKind::ProtectionProfile | DocumentKind::PpModule
            )
        })
        .flat_map(|d| {
            d.document
                .roles
                .iter()
                .map(|r| (r.id.value.clone(), r.title.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

fn title<'a>(table: &'a [(String, String)], id: &'a str) -> &'a str {
    table
        .iter()
        .find(|(i, _)| i == id)
        .map_or(id, |(_, t)| t.as_str())
}

impl Store {
    /// A device form or 1.0 TOE type in words (`pump` → "Insulin pump"); the id itself when
    /// no built-in PP defines it.
    pub fn device_type_title<'a>(&'a self, id: &'a str) -> &'a str {
        title(self.toe_types(), id)
    }

    /// What a certified product is, in words, from the ST its certificate rests on: each TOE
    /// part's form and roles ("Insulin pump — therapy delivery, AID host + Mobile app — command
    /// source"); for a 1.0 ST, its TOE type. `None` when the ST names neither (or cannot be
    /// read again, which the checked ST always can).
    ///
    /// A certificate issued on a sealed ETR has the words in the ETR's facts, derived when the
    /// ETR was submitted (`etr_facts.rs`). Otherwise they are read once per ST and kept under
    /// the ST's digest (`crate::memo`), so a page view reads the digest, not the document.
    pub async fn device_description(&self, certificate_id: &str) -> Result<Option<String>> {
        if let Some(facts) = self.etr_facts(certificate_id).await? {
            return Ok(facts.device_words.clone());
        }
        let digest = self.certified_st_digest(certificate_id).await?;
        if let Some(words) = digest
            .as_deref()
            .and_then(|d| self.derived.device_words.get(d))
        {
            return Ok(words);
        }
        let st = self.certified_st(certificate_id).await?;
        let words = self.describe(st.text.into_bytes());
        if !st.sha256.is_empty() {
            self.derived.device_words.insert(&st.sha256, words.clone());
        }
        Ok(words)
    }

    /// The device words of an ST's text (see [`Store::device_description`]).
    fn describe(&self, st: Vec<u8>) -> Option<String> {
        (self.describer())(st)
    }

    /// [`Store::describe`] as a function that owns what it needs, for a blocking task
    /// (`etr_facts.rs` derives the words when the ETR is submitted).
    pub(crate) fn describer(&self) -> impl FnOnce(Vec<u8>) -> Option<String> + Send + 'static {
        let toe_types = self.toe_types.clone();
        let role_titles = self.role_titles.clone();
        move |st| describe(&toe_types, &role_titles, st)
    }
}

/// The device words of an ST's text: each TOE part's form and roles in the built-in PPs' words
/// (`toe_types` and `role_titles` are (id, title) tables).
fn describe(
    toe_types: &[(String, String)],
    role_titles: &[(String, String)],
    st: Vec<u8>,
) -> Option<String> {
    let Ok((_, doc)) = dtsec_niap::load_any("st", st) else {
        return None;
    };
    let parts = doc.toe.all_parts();
    if parts.is_empty() {
        return doc
            .toe
            .toe_type
            .as_ref()
            .map(|t| title(toe_types, &t.value).to_string());
    }
    let words: Vec<String> = parts
        .iter()
        .map(|p| {
            let form = title(toe_types, &p.form.value);
            let roles: Vec<String> = p
                .roles
                .iter()
                .map(|r| {
                    let t = title(role_titles, &r.value);
                    // Titles are capitalised; in a list, only the first word of the line is.
                    let mut c = t.chars();
                    match c.next() {
                        Some(f) if t.len() > 1 && !t.starts_with("AID") => {
                            f.to_lowercase().chain(c).collect()
                        }
                        _ => t.to_string(),
                    }
                })
                .collect();
            if roles.is_empty() {
                form.to_string()
            } else {
                format!("{form} — {}", roles.join(", "))
            }
        })
        .collect();
    Some(words.join(" + "))
}
