//! Fills a registry data directory with N certified products through the real workflow, for
//! `scripts/scale.sh` (issue 16): every product is registered, its own ST submitted and
//! checked, a lab evaluates it and seals its own passing ETR, the certification body accepts
//! it and issues a signed certificate, and every decision goes into the transparency log as
//! usual. Nothing is copied row by row; "bulk" only in that one process drives it without HTTP.
//!
//! Usage: `cargo run -p dtsec-registry --example scale_fill -- DATA_DIR N [DATABASE_URL]`.
//! The data directory must be new (the registry refuses a second administrator), unless
//! `DTSEC_FILL_RESUME=1`: then a fill that stopped goes on until N certificates exist. Accounts:
//! `admin@scale.invalid` and `certifier@scale.invalid`, password `scale-password-1`.

#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use dtsec_registry::demo::{PUMP_ST_V1, seal_passing_etr, st_for};
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{NewProduct, NewUser, OrgKind, Role, Store, StoreConfig};
use dtsec_seal::SigningKey;

/// The largest N this tool accepts (the issue measures up to 10⁶).
const MAX_N: u64 = 1_000_000;
const PASSWORD: &str = "scale-password-1";
/// Cases in flight at once, unless `DTSEC_FILL_WORKERS` says (1 to 16).
const WORKERS: u64 = 4;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1)) else {
        eprintln!("usage: scale_fill DATA_DIR N [DATABASE_URL]");
        std::process::exit(2);
    };
    let n: u64 = match n.parse() {
        Ok(n) if (1..=MAX_N).contains(&n) => n,
        _ => {
            eprintln!("N must be a whole number from 1 to {MAX_N}, not {n:?}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if let Err(e) = rt.block_on(fill(dir, n, args.get(2).cloned())) {
        eprintln!("scale_fill: {e}");
        std::process::exit(1);
    }
}

async fn fill(dir: &str, n: u64, url: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let mut cfg = StoreConfig::new(dir);
    cfg.database_url = url;
    cfg.password_cost = PasswordCost::Fast;
    // The store's own pool size unless `DTSEC_FILL_CONNECTIONS` says (1 to 64): measured on
    // 300 products with 4 workers, one connection (callers queue in the pool) was slower than
    // several (SQLite's busy handler sleeps while another holds the write lock).
    if let Some(c) = std::env::var("DTSEC_FILL_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|c| (1..=64).contains(c))
    {
        cfg.max_connections = c;
    }
    // No memory map unless `DTSEC_FILL_MMAP_MIB` says (0 to 65536): the fill grows the file
    // without pause, and every growth makes each connection map it again (session 12 measured
    // the kernel's unmapping and faulting at 45% of the fill's CPU by 3×10⁴ certificates).
    // The registry served afterwards opens with its own default.
    cfg.sqlite_mmap_bytes = std::env::var("DTSEC_FILL_MMAP_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|m| *m <= 65_536)
        .map_or(0, |m| m << 20);
    let store = Store::open(cfg).await?;
    let resume = std::env::var("DTSEC_FILL_RESUME").is_ok_and(|v| v == "1");
    let accounts = if resume {
        Accounts::log_in(&store).await?
    } else {
        Accounts::create(&store).await?
    };
    // A resumed fill goes on after the highest product number made so far (a case the stopped
    // process left half-way stays as it is, uncertified) until N certificates exist.
    let (first, certified) = if resume {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM certificates) AS certified, \
             (SELECT MAX(CAST(SUBSTR(name, 12) AS BIGINT)) FROM products \
              WHERE name LIKE 'Scale Pump %') AS last",
        )
        .fetch_one(store.pool())
        .await?;
        let certified: i64 = sqlx::Row::try_get(&row, "certified")?;
        let last: Option<i64> = sqlx::Row::try_get(&row, "last")?;
        (
            u64::try_from(last.map_or(0, |l| l + 1))?,
            u64::try_from(certified)?,
        )
    } else {
        (0, 0)
    };
    let Accounts {
        maker_user,
        maker_id,
        evaluator,
        certifier,
        lab_id,
        key,
    } = accounts;
    let start = Instant::now();
    let ctx = Arc::new(Fill {
        store: store.clone(),
        maker_user,
        maker_id,
        maker_name: MAKER_NAME,
        evaluator,
        certifier,
        lab_id,
        lab_name: LAB_NAME,
        key,
        done: AtomicU64::new(certified),
        n,
        start,
    });
    let end = first + n.saturating_sub(certified);
    // Cases are independent: several in flight keep both cores busy (checking, sealing and
    // verifying run beside another case's transactions); each worker takes every W-th product.
    let count = std::env::var("DTSEC_FILL_WORKERS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|w| (1..=16).contains(w))
        .unwrap_or(WORKERS);
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..count {
        let ctx = ctx.clone();
        workers.spawn(async move {
            let mut i = first + w;
            while i < end {
                certify_one(&ctx, i).await?;
                i += count;
            }
            Ok::<_, String>(())
        });
    }
    while let Some(r) = workers.join_next().await {
        r.map_err(|e| format!("a fill worker stopped: {e}"))??;
    }
    store.close().await;
    Ok(())
}

/// The lab's and the certification body's names, as the accounts are made.
const LAB_NAME: &str = "Scale Lab";
const MAKER_NAME: &str = "Scale Medical";

/// The accounts a fill acts as, and the lab's signing key.
struct Accounts {
    maker_user: dtsec_registry::Actor,
    maker_id: String,
    evaluator: dtsec_registry::Actor,
    certifier: dtsec_registry::Actor,
    lab_id: String,
    key: SigningKey,
}

impl Accounts {
    /// A new registry's scheme administrator, certification body, approved lab and
    /// manufacturer.
    async fn create(store: &Store) -> Result<Accounts, Box<dyn std::error::Error>> {
        let admin = store
            .bootstrap_admin("admin@scale.invalid", "Scale Admin", PASSWORD)
            .await?
            .actor();
        let user = |org: String, role: Role, email: &str| NewUser {
            email: email.into(),
            name: email.into(),
            role,
            org_id: org,
            password: PASSWORD.into(),
        };
        let cb = store
            .create_organisation(&admin, OrgKind::CertificationBody, "Scale CB")
            .await?;
        let certifier = store
            .create_user(
                &admin,
                user(cb.id, Role::Certifier, "certifier@scale.invalid"),
            )
            .await?
            .actor();
        let lab = store
            .create_organisation(&admin, OrgKind::Lab, LAB_NAME)
            .await?;
        let evaluator = store
            .create_user(
                &admin,
                user(
                    lab.id.clone(),
                    Role::LabEvaluator,
                    "evaluator@scale.invalid",
                ),
            )
            .await?
            .actor();
        let key = SigningKey::generate();
        store
            .apply_for_lab_approval(
                &evaluator,
                &lab.id,
                &dtsec_registry::demo::example_lab_profile(),
            )
            .await?;
        store
            .register_lab_key(&evaluator, &lab.id, &key.verifying_key().to_public_pem())
            .await?;
        store
            .approve_lab(&admin, &lab.id, store.clock().today().add_days(3 * 365))
            .await?;
        let maker = store
            .create_organisation(&admin, OrgKind::Manufacturer, MAKER_NAME)
            .await?;
        let maker_user = store
            .create_user(
                &admin,
                user(maker.id.clone(), Role::Manufacturer, "maker@scale.invalid"),
            )
            .await?
            .actor();
        Ok(Accounts {
            maker_user,
            maker_id: maker.id,
            evaluator,
            certifier,
            lab_id: lab.id,
            key,
        })
    }

    /// The accounts of a fill that stopped (`DTSEC_FILL_RESUME=1`), logged in as anyone would.
    /// Its lab's private key went with the process, so the lab registers a new one, as a lab
    /// that rotates its key does; the ETRs sealed before stay verified by the old one.
    async fn log_in(store: &Store) -> Result<Accounts, Box<dyn std::error::Error>> {
        let who = |email: &'static str| async move {
            store
                .login(email, PASSWORD, "127.0.0.1")
                .await
                .map_err(|e| format!("log in as {email}: {e}"))
        };
        let maker = who("maker@scale.invalid").await?;
        let evaluator = who("evaluator@scale.invalid").await?;
        let certifier = who("certifier@scale.invalid").await?;
        let lab_id = evaluator.org_id.clone().ok_or("the evaluator has no lab")?;
        let key = SigningKey::generate();
        store
            .register_lab_key(
                &evaluator.actor(),
                &lab_id,
                &key.verifying_key().to_public_pem(),
            )
            .await?;
        Ok(Accounts {
            maker_id: maker
                .org_id
                .clone()
                .ok_or("the manufacturer has no organisation")?,
            maker_user: maker.actor(),
            evaluator: evaluator.actor(),
            certifier: certifier.actor(),
            lab_id,
            key,
        })
    }
}

/// What every worker shares.
struct Fill {
    store: Store,
    maker_user: dtsec_registry::Actor,
    maker_id: String,
    maker_name: &'static str,
    evaluator: dtsec_registry::Actor,
    certifier: dtsec_registry::Actor,
    lab_id: String,
    lab_name: &'static str,
    key: SigningKey,
    done: AtomicU64,
    n: u64,
    start: Instant,
}

/// Product `i`, from registration to its signed, logged certificate.
async fn certify_one(ctx: &Fill, i: u64) -> Result<(), String> {
    let e = |what: &str| {
        let what = what.to_string();
        move |err: dtsec_registry::RegistryError| format!("product {i}: {what}: {err}")
    };
    let store = &ctx.store;
    let name = format!("Scale Pump {i}");
    let version = "1.0";
    let p = store
        .register_product(
            &ctx.maker_user,
            NewProduct {
                manufacturer_org: ctx.maker_id.clone(),
                name: name.clone(),
                version: version.into(),
                build_ids: vec![format!("fw-{i}")],
                toe_type: "TT.PUMP".into(),
            },
        )
        .await
        .map_err(e("register"))?;
    let st = st_for(PUMP_ST_V1, ctx.maker_name, &name, version);
    let st_file = format!("scale-pump-{i}-st.yaml");
    store
        .submit_st(&ctx.maker_user, &p.id, &st_file, st.as_bytes().to_vec())
        .await
        .map_err(e("submit the ST"))?;
    store
        .choose_lab(&ctx.maker_user, &p.id, &ctx.lab_id)
        .await
        .map_err(e("choose the lab"))?;
    store
        .start_evaluation(&ctx.evaluator, &p.id)
        .await
        .map_err(e("start the evaluation"))?;
    let etr = seal_passing_etr(&st_file, &st, ctx.lab_name, ctx.maker_name, &ctx.key)
        .map_err(|err| format!("product {i}: seal the ETR: {err}"))?;
    store
        .submit_etr(&ctx.evaluator, &p.id, &etr)
        .await
        .map_err(e("submit the ETR"))?;
    store
        .accept_etr(&ctx.certifier, &p.id)
        .await
        .map_err(e("accept the ETR"))?;
    let case = store
        .product(&ctx.certifier, &p.id)
        .await
        .map_err(e("read the case"))?;
    if !store.draft_claims_of(&case).is_empty() {
        store
            .approve_draft_pp_claims(
                &ctx.certifier,
                &p.id,
                "The draft is the scheme's own profile; certified for the scale benchmark.",
            )
            .await
            .map_err(e("approve the draft claims"))?;
    }
    store
        .issue_certificate(&ctx.certifier, &p.id)
        .await
        .map_err(e("issue the certificate"))?;
    let done = ctx.done.fetch_add(1, Ordering::Relaxed) + 1;
    if done.is_multiple_of(100) || done == ctx.n {
        eprintln!(
            "scale_fill: {done} of {} certified ({:.1} s)",
            ctx.n,
            ctx.start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
