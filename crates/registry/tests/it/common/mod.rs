//! Test harness: the same tests on SQLite (always) and PostgreSQL (when
//! `DTSEC_TEST_DATABASE_URL` is set), a world of organisations and users, and cached ETR bundles.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use dtsec_registry::demo::{CGM_ST_V1, PUMP_ST_V1, seal_passing_etr, st_for};
use dtsec_registry::scratch::ScratchDatabase;
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{Actor, Clock, Date, NewProduct, NewUser, OrgKind, Role, Store, StoreConfig};
use dtsec_seal::SigningKey;

/// A store on one backend, and what to clean up.
pub struct TestDb {
    pub store: Store,
    pub backend: &'static str,
    pub dir: tempfile::TempDir,
    pg: Option<ScratchDatabase>,
}

impl TestDb {
    /// The URL of this store's PostgreSQL database, when it is on PostgreSQL.
    pub fn pg_url(&self) -> Option<&str> {
        self.pg.as_ref().map(ScratchDatabase::url)
    }

    /// Closes the store and drops the PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(pg) = self.pg {
            pg.drop_database().await;
        }
    }
}

/// The date the tests' clocks start at.
pub fn start_date() -> Date {
    Date::parse("2025-03-01").unwrap()
}

pub fn config(dir: &std::path::Path) -> StoreConfig {
    let mut cfg = StoreConfig::new(dir);
    cfg.clock = Clock::at_date(start_date());
    cfg.password_cost = PasswordCost::Fast;
    cfg
}

/// SQLite always; PostgreSQL too when `DTSEC_TEST_DATABASE_URL` is set.
pub async fn backends() -> Vec<TestDb> {
    sqlx::any::install_default_drivers();
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(config(dir.path())).await.unwrap();
    out.push(TestDb {
        store,
        backend: "sqlite",
        dir,
        pg: None,
    });
    if let Some(url) = dtsec_testkit::postgres_url() {
        let pg = ScratchDatabase::create(&url, "dtsec_t")
            .await
            .expect("DTSEC_TEST_DATABASE_URL: cannot create a database");
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path());
        cfg.database_url = Some(pg.url().to_string());
        let store = Store::open(cfg).await.unwrap();
        out.push(TestDb {
            store,
            backend: "postgres",
            dir,
            pg: Some(pg),
        });
    }
    out
}

/// A lab, its evaluator and its key.
#[derive(Clone)]
pub struct LabFixture {
    pub org: String,
    pub name: String,
    pub evaluator: Actor,
    pub key_seed: u8,
}

impl LabFixture {
    pub fn key(&self) -> SigningKey {
        SigningKey::from_seed(&[self.key_seed; 32])
    }
}

/// A manufacturer and its user.
#[derive(Clone)]
pub struct MakerFixture {
    pub org: String,
    pub user: Actor,
}

/// Organisations and users for a test.
#[derive(Clone)]
pub struct World {
    pub admin: Actor,
    pub certifier: Actor,
    pub lab_a: LabFixture,
    pub lab_b: LabFixture,
    pub maker_a: MakerFixture,
    pub maker_b: MakerFixture,
}

pub const PASSWORD: &str = "test-password-123";

async fn user(store: &Store, admin: &Actor, org: &str, role: Role, email: &str) -> Actor {
    store
        .create_user(
            admin,
            NewUser {
                email: email.into(),
                name: email.into(),
                role,
                org_id: org.into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap()
        .actor()
}

/// Builds the world: both labs applied, keyed and approved for a year.
pub async fn world(store: &Store) -> World {
    let admin = store
        .bootstrap_admin("admin@test.invalid", "Admin", PASSWORD)
        .await
        .unwrap()
        .actor();
    let cb = store
        .create_organisation(&admin, OrgKind::CertificationBody, "CB")
        .await
        .unwrap();
    let certifier = user(store, &admin, &cb.id, Role::Certifier, "cert@test.invalid").await;
    let mut labs = Vec::new();
    for (name, seed) in [("Lab A", 1u8), ("Lab B", 2u8)] {
        let org = store
            .create_organisation(&admin, OrgKind::Lab, name)
            .await
            .unwrap();
        let evaluator = user(
            store,
            &admin,
            &org.id,
            Role::LabEvaluator,
            &format!("eval{seed}@test.invalid"),
        )
        .await;
        let lab = LabFixture {
            org: org.id.clone(),
            name: name.into(),
            evaluator: evaluator.clone(),
            key_seed: seed,
        };
        store
            .apply_for_lab_approval(
                &evaluator,
                &org.id,
                &dtsec_registry::demo::example_lab_profile(),
            )
            .await
            .unwrap();
        store
            .register_lab_key(
                &evaluator,
                &org.id,
                &lab.key().verifying_key().to_public_pem(),
            )
            .await
            .unwrap();
        store
            .approve_lab(&admin, &org.id, start_date().add_days(365))
            .await
            .unwrap();
        labs.push(lab);
    }
    let mut makers = Vec::new();
    for (name, n) in [("Maker A", 1), ("Maker B", 2)] {
        let org = store
            .create_organisation(&admin, OrgKind::Manufacturer, name)
            .await
            .unwrap();
        let u = user(
            store,
            &admin,
            &org.id,
            Role::Manufacturer,
            &format!("maker{n}@test.invalid"),
        )
        .await;
        makers.push(MakerFixture {
            org: org.id,
            user: u,
        });
    }
    let lab_b = labs.pop().unwrap();
    let lab_a = labs.pop().unwrap();
    let maker_b = makers.pop().unwrap();
    let maker_a = makers.pop().unwrap();
    World {
        admin,
        certifier,
        lab_a,
        lab_b,
        maker_a,
        maker_b,
    }
}

/// A passing ETR bundle for the pump or CGM example ST, sealed with the lab key of `seed`
/// (cached: sealing is the slow part).
pub fn etr(seed: u8, st: &str) -> String {
    static CACHE: OnceLock<Mutex<HashMap<(u8, String), String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(b) = cache.lock().unwrap().get(&(seed, st.to_string())) {
        return b.clone();
    }
    let (name, text) = st_text(st);
    // The world's labs: seed 1 is Lab A, seed 2 Lab B; the pump is Maker A's, the CGM Maker B's.
    let lab = if seed == 2 { "Lab B" } else { "Lab A" };
    let sponsor = if st == "pump" { "Maker A" } else { "Maker B" };
    let b = seal_passing_etr(
        name,
        text,
        lab,
        sponsor,
        &SigningKey::from_seed(&[seed; 32]),
    )
    .unwrap();
    cache
        .lock()
        .unwrap()
        .insert((seed, st.to_string()), b.clone());
    b
}

/// The example STs rewritten for the products the tests register (an ETR names its case's
/// product, version and sponsor): Maker A's "Test Pump" 1.0 and Maker B's `Glow, "CGM"` 2.
pub fn st_text(st: &str) -> (&'static str, &'static str) {
    static PUMP: OnceLock<String> = OnceLock::new();
    static CGM: OnceLock<String> = OnceLock::new();
    if st == "pump" {
        let text = PUMP.get_or_init(|| st_for(PUMP_ST_V1, "Maker A", "Test Pump", "1.0"));
        ("pump-st.yaml", text.as_str())
    } else {
        let text = CGM.get_or_init(|| st_for(CGM_ST_V1, "Maker B", "Glow, \"CGM\"", "2"));
        ("cgm-st.yaml", text.as_str())
    }
}

/// Registers a pump for maker A.
pub async fn register_pump(store: &Store, w: &World) -> String {
    store
        .register_product(
            &w.maker_a.user,
            NewProduct {
                manufacturer_org: w.maker_a.org.clone(),
                name: "Test Pump".into(),
                version: "1.0".into(),
                build_ids: vec!["fw-1.0".into()],
                toe_type: "TT.PUMP".into(),
            },
        )
        .await
        .unwrap()
        .id
}

/// Takes a pump case of maker A with lab A up to (and including) evaluation in progress.
pub async fn pump_in_evaluation(store: &Store, w: &World) -> String {
    let id = register_pump(store, w).await;
    let (name, text) = st_text("pump");
    store
        .submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
        .await
        .unwrap();
    store
        .choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
        .await
        .unwrap();
    store
        .start_evaluation(&w.lab_a.evaluator, &id)
        .await
        .unwrap();
    id
}

/// Takes a pump case all the way to an issued certificate; returns (product id, certificate id).
pub async fn certified_pump(store: &Store, w: &World) -> (String, String) {
    let id = pump_in_evaluation(store, w).await;
    store
        .submit_etr(&w.lab_a.evaluator, &id, &etr(w.lab_a.key_seed, "pump"))
        .await
        .unwrap();
    store.accept_etr(&w.certifier, &id).await.unwrap();
    approve_drafts(store, w, &id).await;
    let c = store.issue_certificate(&w.certifier, &id).await.unwrap();
    (id, c.certificate_id)
}

/// The certifier approves the case's draft-PP claims (every built-in CDD PP is a draft, so a
/// case is certified only after this; see `scheme_rules.rs`).
pub async fn approve_drafts(store: &Store, w: &World, id: &str) {
    store
        .approve_draft_pp_claims(
            &w.certifier,
            id,
            "The draft is the scheme's own profile; certified for the tests.",
        )
        .await
        .unwrap();
}

/// Row counts of every table, to assert that a refused request changed nothing.
pub async fn snapshot(store: &Store) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for t in [
        "organisations",
        "users",
        "api_tokens",
        "labs",
        "products",
        "certificates",
        "certificate_revisions",
        "maintenance",
        "audit",
        "decision_log",
    ] {
        out.push((t.to_string(), store.count_rows(t).await.unwrap()));
    }
    out
}
