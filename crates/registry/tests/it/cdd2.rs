//! STs that claim the CDD PP 2.0 describe their TOE by device form and roles, not by a 1.0 TOE
//! type: the registry files such a product under its form (`pump`, `cgm`; a distributed TOE under
//! its first part's), accepts the ST for a product registered under that form, and refuses it
//! for a product registered under another.

use dtsec_registry::NewProduct;
use dtsec_registry::demo::st_for;

use crate::common;

const PUMP_2: &str = include_str!("../../../../examples/pump-st.yaml");
const CGM_2: &str = include_str!("../../../../examples/cgm-st.yaml");
const PUMP_CONTROLLER_2: &str = include_str!("../../../../examples/pump-controller-st.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cdd_2_st_is_filed_by_its_device_form() {
    for db in common::backends().await {
        let (store, b) = (&db.store, db.backend);
        let w = common::world(store).await;
        let forms: Vec<&str> = store
            .toe_types()
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        for form in ["pump", "cgm", "controller"] {
            assert!(
                forms.contains(&form),
                "{b}: no device form {form} in {forms:?}"
            );
        }
        assert!(
            forms.contains(&"TT.PUMP"),
            "{b}: the 1.0 TOE types stay: {forms:?}"
        );
        let register = |name: &str, form: &str| NewProduct {
            manufacturer_org: w.maker_a.org.clone(),
            name: name.into(),
            version: "1.0".into(),
            build_ids: vec!["fw-1.0".into()],
            toe_type: form.into(),
        };
        for (template, name, form) in [
            (PUMP_2, "Test Pump Two", "pump"),
            (PUMP_CONTROLLER_2, "Test Pod System", "pump"),
        ] {
            let p = store
                .register_product(&w.maker_a.user, register(name, form))
                .await
                .unwrap();
            let st = st_for(template, "Maker A", name, "1.0");
            let p = store
                .submit_st(&w.maker_a.user, &p.id, "st.yaml", st.into_bytes())
                .await
                .unwrap_or_else(|e| panic!("{b}: {name}: {e}"));
            assert_eq!(p.toe_type, form, "{b}: {name}");
            assert!(
                p.pp_claims.iter().any(|c| c == "cdd@2.0"),
                "{b}: {name}: {:?}",
                p.pp_claims
            );
        }
        // A CGM's ST is not the ST of a product registered as a pump.
        let p = store
            .register_product(&w.maker_a.user, register("Test Pump Three", "pump"))
            .await
            .unwrap();
        let st = st_for(CGM_2, "Maker A", "Test Pump Three", "1.0");
        let e = store
            .submit_st(&w.maker_a.user, &p.id, "st.yaml", st.into_bytes())
            .await
            .expect_err("a CGM ST for a pump");
        assert!(e.to_string().contains("TOE type is cgm"), "{b}: {e}");
        db.finish().await;
    }
}
