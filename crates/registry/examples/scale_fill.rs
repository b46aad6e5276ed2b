//! Fills a registry data directory with N certified products through the real workflow, for
//! `scripts/scale.sh` (issue 16): every product is registered, its own ST submitted and
//! checked, a lab evaluates it and seals its own passing ETR, the certification body accepts
//! it and issues a signed certificate, and every decision goes into the transparency log as
//! usual. Nothing is copied row by row; "bulk" only in that one process drives it without HTTP.
//!
//! Usage: `cargo run -p dtsec-registry --example scale_fill -- DATA_DIR N [DATABASE_URL]`.
//! The data directory must be new (the registry refuses a second administrator). Accounts:
//! `admin@scale.invalid` and `certifier@scale.invalid`, password `scale-password-1`.

#![forbid(unsafe_code)]

use std::time::Instant;

use dtsec_registry::demo::{PUMP_ST_V1, seal_passing_etr, st_for};
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{NewProduct, NewUser, OrgKind, Role, Store, StoreConfig};
use dtsec_seal::SigningKey;

/// The largest N this tool accepts (the issue measures up to 10⁶).
const MAX_N: u64 = 1_000_000;
const PASSWORD: &str = "scale-password-1";

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
    let store = Store::open(cfg).await?;
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
    let lab_name = "Scale Lab";
    let lab = store
        .create_organisation(&admin, OrgKind::Lab, lab_name)
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
    let maker_name = "Scale Medical";
    let maker = store
        .create_organisation(&admin, OrgKind::Manufacturer, maker_name)
        .await?;
    let maker_user = store
        .create_user(
            &admin,
            user(maker.id.clone(), Role::Manufacturer, "maker@scale.invalid"),
        )
        .await?
        .actor();
    let start = Instant::now();
    for i in 0..n {
        let name = format!("Scale Pump {i}");
        let version = "1.0";
        let p = store
            .register_product(
                &maker_user,
                NewProduct {
                    manufacturer_org: maker.id.clone(),
                    name: name.clone(),
                    version: version.into(),
                    build_ids: vec![format!("fw-{i}")],
                    toe_type: "TT.PUMP".into(),
                },
            )
            .await?;
        let st = st_for(PUMP_ST_V1, maker_name, &name, version);
        let st_file = format!("scale-pump-{i}-st.yaml");
        store
            .submit_st(&maker_user, &p.id, &st_file, st.as_bytes().to_vec())
            .await?;
        store.choose_lab(&maker_user, &p.id, &lab.id).await?;
        store.start_evaluation(&evaluator, &p.id).await?;
        let etr = seal_passing_etr(&st_file, &st, lab_name, maker_name, &key)?;
        store.submit_etr(&evaluator, &p.id, &etr).await?;
        store.accept_etr(&certifier, &p.id).await?;
        let case = store.product(&certifier, &p.id).await?;
        if !store.draft_claims_of(&case).is_empty() {
            store
                .approve_draft_pp_claims(
                    &certifier,
                    &p.id,
                    "The draft is the scheme's own profile; certified for the scale benchmark.",
                )
                .await?;
        }
        store.issue_certificate(&certifier, &p.id).await?;
        if (i + 1) % 100 == 0 || i + 1 == n {
            eprintln!(
                "scale_fill: {} of {n} certified ({:.1} s)",
                i + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    store.close().await;
    Ok(())
}
