//! The authorisation matrix: every role × every action × own or other organisation, asserted
//! against a table written out here independently of `GRANTS`; then the same rules seen through
//! the store's operations.

use crate::common;

use dtsec_registry::{Action, Actor, NewProduct, Resource, Role, authorize};

/// One line per action: for each role (admin, certifier, lab, manufacturer, public) two
/// characters, own organisation then other organisation; `Y` allowed, `-` denied.
const MATRIX: &str = "
ViewPublic              YY YY YY YY YY
ManageOrganisations     YY -- -- -- --
ManageUsers             YY -- -- -- --
ViewAudit               YY YY -- -- --
ManageLabApproval       YY -- -- -- --
ApplyForLabApproval     -- -- Y- -- --
RegisterLabKey          YY -- Y- -- --
RegisterProduct         -- -- -- Y- --
ViewProduct             YY YY Y- Y- --
SubmitSt                -- -- -- Y- --
ChooseLab               -- -- -- Y- --
StartEvaluation         -- -- Y- -- --
SubmitEtr               -- -- Y- -- --
ReviewEtr               -- YY -- -- --
IssueCertificate        -- YY -- -- --
ChangeCertificateStatus -- YY -- -- --
FileImpactAnalysis      -- -- -- Y- --
DecideMaintenance       -- YY -- -- --
ReviewFix               -- -- Y- -- --
ArchiveExpired          YY YY -- -- --
ManageOwnTokens         YY YY YY YY --
ChangeOwnPassword       YY YY YY YY --
";

const ROLES: [Role; 5] = [
    Role::SchemeAdmin,
    Role::Certifier,
    Role::LabEvaluator,
    Role::Manufacturer,
    Role::Public,
];

fn actor(role: Role) -> Actor {
    if role == Role::Public {
        Actor::public()
    } else {
        Actor {
            user_id: Some(format!("user-{role}")),
            role,
            org_id: Some("mine".into()),
            scope: None,
        }
    }
}

#[test]
fn every_role_action_and_reach() {
    let mut seen = Vec::new();
    let mut checked = 0;
    for line in MATRIX.lines().filter(|l| !l.trim().is_empty()) {
        let mut cols = line.split_whitespace();
        let name = cols.next().unwrap();
        let action = *Action::ALL
            .iter()
            .find(|a| format!("{a:?}") == name)
            .unwrap_or_else(|| panic!("unknown action {name}"));
        seen.push(action);
        for (role, cell) in ROLES.iter().zip(cols) {
            let cell: Vec<char> = cell.chars().collect();
            for (resource, want) in [
                (Resource::org("mine"), cell[0] == 'Y'),
                (
                    Resource::Owned(vec!["theirs".into(), "mine".into()]),
                    cell[0] == 'Y',
                ),
                (Resource::org("theirs"), cell[1] == 'Y'),
            ] {
                let got = authorize(&actor(*role), action, &resource).is_ok();
                assert_eq!(got, want, "{role} {action:?} on {resource:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(
        seen.len(),
        Action::ALL.len(),
        "the matrix must list every action"
    );
    assert_eq!(checked, Action::ALL.len() * ROLES.len() * 3);
}

#[test]
fn a_role_without_an_account_is_the_public() {
    let fake = Actor {
        user_id: None,
        role: Role::Certifier,
        org_id: Some("mine".into()),
        scope: None,
    };
    assert!(authorize(&fake, Action::IssueCertificate, &Resource::Global).is_err());
    assert!(authorize(&fake, Action::ViewPublic, &Resource::Global).is_ok());
    let no_org = Actor {
        user_id: Some("u".into()),
        role: Role::Manufacturer,
        org_id: None,
        scope: None,
    };
    assert!(authorize(&no_org, Action::SubmitSt, &Resource::org("mine")).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_applies_the_rules() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        // Registering for another manufacturer, or as a certifier, is refused.
        for who in [&w.maker_b.user, &w.certifier, &w.lab_a.evaluator, &w.admin] {
            let e = s
                .register_product(
                    who,
                    NewProduct {
                        manufacturer_org: w.maker_a.org.clone(),
                        name: "X".into(),
                        version: "1".into(),
                        build_ids: vec![],
                        toe_type: "TT.PUMP".into(),
                    },
                )
                .await
                .unwrap_err();
            assert!(e.to_string().contains("forbidden"), "{e}");
        }
        let id = common::pump_in_evaluation(s, &w).await;
        // Who sees the case.
        for (who, sees) in [
            (&w.maker_a.user, true),
            (&w.maker_b.user, false),
            (&w.lab_a.evaluator, true),
            (&w.lab_b.evaluator, false),
            (&w.certifier, true),
            (&w.admin, true),
            (&Actor::public(), false),
        ] {
            assert_eq!(s.product(who, &id).await.is_ok(), sees, "{:?}", who.role);
        }
        assert_eq!(s.products(&w.maker_b.user).await.unwrap().len(), 0);
        assert_eq!(s.products(&w.lab_a.evaluator).await.unwrap().len(), 1);
        assert!(s.products(&Actor::public()).await.is_err());
        // Decisions belong to the certification body alone.
        s.submit_etr(&w.lab_a.evaluator, &id, &common::etr(1, "pump"))
            .await
            .unwrap();
        for who in [&w.admin, &w.maker_a.user, &w.lab_a.evaluator] {
            assert!(s.accept_etr(who, &id).await.is_err());
        }
        // Lab approval is the scheme's; a lab may not approve itself.
        assert!(
            s.approve_lab(
                &w.lab_a.evaluator,
                &w.lab_a.org,
                common::start_date().add_days(900)
            )
            .await
            .is_err()
        );
        // A lab may not register a key for another lab.
        let pem = dtsec_seal::SigningKey::generate()
            .verifying_key()
            .to_public_pem();
        assert!(
            s.register_lab_key(&w.lab_b.evaluator, &w.lab_a.org, &pem)
                .await
                .is_err()
        );
        assert!(
            s.audit_trail(&w.maker_a.user, "product", &id)
                .await
                .is_err()
        );
        assert!(s.product_history(&w.maker_a.user, &id).await.unwrap().len() >= 4);
        db.finish().await;
    }
}
