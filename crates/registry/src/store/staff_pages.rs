//! The staff case lists and the audit trail in keyset pages (issue 16).
//!
//! Why: the certifier's case list read every case (30 s and 108 MB at 10⁵ certificates), and
//! the audit trail showed "the latest N" with N silently capped. Both are now read a page at a
//! time by their sort key, like the device list (`queries.rs`): each page names where the
//! next one starts (`next`), nothing is left out, and a row written while someone pages is
//! neither repeated nor skipped among the rows sorted before it.

use serde::Serialize;

use super::Store;
use super::cases::{PRODUCT_COLUMNS, Product, product_from_row};
use super::queries::{AuditEntry, DEFAULT_PAGE, MAX_PAGE, audit_entry};
use crate::authz::{Action, Actor, Resource, Role, authorize};
use crate::error::{Forbidden, RegistryError, Result};
use crate::workflow::State;

/// One page of the cases an actor may see, newest first.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ProductPage {
    /// The cases of this page.
    pub products: Vec<Product>,
    /// The `after` of the next page (`<created_at>~<id>`); `None` on the last page.
    pub next: Option<String>,
}

/// Which audit records, in which order.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// One record's history (kind and id), oldest first; without it, the whole trail.
    pub of: Option<(String, String)>,
    /// Oldest first, only records after this `seq` (with `of`, or for the whole trail: how
    /// `dtsec log audit` recomputes the hash chain).
    pub after: Option<i64>,
    /// Newest first, only records before this `seq` (the whole trail only). Without `after`
    /// and `before` the whole trail is read newest first from its end.
    pub before: Option<i64>,
    /// At most this many per page (default [`DEFAULT_PAGE`], at most [`MAX_PAGE`]).
    pub limit: Option<u32>,
}

/// Where the next page of the audit trail starts: the query parameter a client sends back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditCursor {
    /// Oldest first: `?after=N`.
    After(i64),
    /// Newest first: `?before=N`.
    Before(i64),
}

impl AuditCursor {
    /// The cursor as a query parameter (`after=12`, `before=12`).
    pub fn query_param(self) -> String {
        match self {
            AuditCursor::After(n) => format!("after={n}"),
            AuditCursor::Before(n) => format!("before={n}"),
        }
    }
}

/// One page of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AuditPage {
    /// The records of this page.
    pub entries: Vec<AuditEntry>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<AuditCursor>,
}

/// Reads a case-list cursor, refusing one that was not made by [`ProductPage::next`].
fn decode_product_cursor(s: &str) -> Result<(String, String)> {
    let bad = || {
        RegistryError::invalid(format!(
            "`after` must be the `next` value of an earlier page (created~case id), not {:?}",
            s.chars().take(80).collect::<String>()
        ))
    };
    let (at, id) = s.split_once('~').ok_or_else(bad)?;
    let at_ok = !at.is_empty()
        && at.len() <= 40
        && at
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'.' | b'+'));
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if !(at_ok && id_ok) {
        return Err(bad());
    }
    Ok((at.to_string(), id.to_string()))
}

impl Store {
    /// One page of the cases the actor may see (a manufacturer's own, a lab's assigned ones,
    /// all for the certification body and the scheme), newest first.
    ///
    /// # Errors
    /// `Forbidden` for the public; `Invalid` for an `after` that is not a cursor.
    pub async fn products_page(
        &self,
        actor: &Actor,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ProductPage> {
        self.products_query(actor, &[], after, limit).await
    }

    /// One page of the actor's cases that are in one of `states` (what waits for a role),
    /// newest first; as [`Store::products_page`] otherwise.
    ///
    /// # Errors
    /// As [`Store::products_page`].
    pub async fn products_in_states(
        &self,
        actor: &Actor,
        states: &[State],
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ProductPage> {
        if states.is_empty() {
            return Ok(ProductPage {
                products: Vec::new(),
                next: None,
            });
        }
        self.products_query(actor, states, after, limit).await
    }

    /// The case-list query; `states` empty means every state.
    async fn products_query(
        &self,
        actor: &Actor,
        states: &[State],
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ProductPage> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let mut binds: Vec<String> = Vec::new();
        let mut sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE 1 = 1");
        match (actor.role, &actor.org_id, &actor.user_id) {
            (_, _, None) | (Role::Public, _, _) => {
                return Err(Forbidden {
                    role: "public".into(),
                    action: Action::ViewProduct.to_string(),
                    reach: "other organisation".into(),
                }
                .into());
            }
            (Role::SchemeAdmin | Role::Certifier, _, _) => {}
            (Role::Manufacturer | Role::LabEvaluator, Some(org), _) => {
                binds.push(org.clone());
                sql.push_str(" AND (manufacturer_org = $1 OR lab_org = $1)");
            }
            (_, None, _) => {
                return Ok(ProductPage {
                    products: Vec::new(),
                    next: None,
                });
            }
        }
        if !states.is_empty() {
            let mut marks = Vec::with_capacity(states.len());
            for st in states {
                binds.push(st.as_str().to_string());
                marks.push(format!("${}", binds.len()));
            }
            sql.push_str(&format!(" AND state IN ({})", marks.join(", ")));
        }
        if let Some(after) = after {
            let (at, id) = decode_product_cursor(after)?;
            binds.push(at);
            let a = binds.len();
            binds.push(id);
            let i = binds.len();
            sql.push_str(&format!(
                " AND (created_at < ${a} OR (created_at = ${a} AND id > ${i}))"
            ));
        }
        // One row more than the page, to know whether there is a next page.
        sql.push_str(&format!(
            " ORDER BY created_at DESC, id LIMIT {}",
            limit + 1
        ));
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut products = rows
            .iter()
            .map(product_from_row)
            .collect::<Result<Vec<_>>>()?;
        let next = if products.len() > limit as usize {
            products.truncate(limit as usize);
            products
                .last()
                .map(|p| format!("{}~{}", p.created_at, p.id))
        } else {
            None
        };
        // The query already keeps to the actor's organisation; authorisation is still the
        // policy's, row by row (after `next` is taken, so a page never ends early).
        products.retain(|p| authorize(actor, Action::ViewProduct, &p.resource()).is_ok());
        Ok(ProductPage { products, next })
    }

    /// One page of the audit trail (scheme administrator and certifier): one record's
    /// history oldest first, the whole trail oldest first after a `seq`, or the whole trail
    /// newest first.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` for an empty record kind or id, or `before`
    /// combined with `after` or a record.
    pub async fn audit_page(&self, actor: &Actor, filter: &AuditFilter) -> Result<AuditPage> {
        authorize(actor, Action::ViewAudit, &Resource::Global)?;
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let cols = "seq, at, actor, actor_role, action, entity, entity_id, before_json, after_json";
        let fetch = i64::from(limit) + 1;
        if filter.before.is_some() && (filter.after.is_some() || filter.of.is_some()) {
            return Err(RegistryError::invalid(
                "`before` pages the whole trail newest first; it does not combine with `after` or a record",
            ));
        }
        let after = filter.after.unwrap_or(0);
        let (rows, oldest_first) = match (&filter.of, filter.after) {
            (Some((entity, id)), _) => {
                if entity.trim().is_empty() || id.trim().is_empty() {
                    return Err(RegistryError::invalid(
                        "give both the record kind and the record id",
                    ));
                }
                let rows = sqlx::query(&format!(
                    "SELECT {cols} FROM audit WHERE entity = $1 AND entity_id = $2 AND seq > $3 \
                     ORDER BY seq LIMIT $4"
                ))
                .bind(entity)
                .bind(id)
                .bind(after)
                .bind(fetch)
                .fetch_all(&self.pool)
                .await?;
                (rows, true)
            }
            (None, Some(_)) => {
                let rows = sqlx::query(&format!(
                    "SELECT {cols} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after)
                .bind(fetch)
                .fetch_all(&self.pool)
                .await?;
                (rows, true)
            }
            (None, None) => {
                let rows = sqlx::query(&format!(
                    "SELECT {cols} FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2"
                ))
                .bind(filter.before.unwrap_or(i64::MAX))
                .bind(fetch)
                .fetch_all(&self.pool)
                .await?;
                (rows, false)
            }
        };
        let mut entries = rows.iter().map(audit_entry).collect::<Result<Vec<_>>>()?;
        let next = if entries.len() > limit as usize {
            entries.truncate(limit as usize);
            entries.last().map(|e| {
                if oldest_first {
                    AuditCursor::After(e.seq)
                } else {
                    AuditCursor::Before(e.seq)
                }
            })
        } else {
            None
        };
        Ok(AuditPage { entries, next })
    }
}
