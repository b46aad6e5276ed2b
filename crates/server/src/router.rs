//! Every route, grouped by audience: public, then staff (shared), manufacturer, lab,
//! certification body, scheme administrator — and, beside each, what `/openapi.json` says of it.
//!
//! Why one table: a reviewer sees the whole surface — and which audience each route serves — in
//! one screen, and both the [`Router`] and the API document are built from it, so they cannot
//! drift apart: a route is described (`get`, `post`) or says why it is not (`page`, `form`,
//! `unlisted`), and a description exists only on a route. Authorisation is not decided here:
//! every staff action is authorised by the registry (`dtsec_registry::authorize`) against the
//! caller's role and organisation; an audience is whom a route is for, and the API tag.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Json, Router};
use dtsec_registry::{AssessmentRecord, MatchRecord, QueueItem, SyncReport};
use dtsec_registry::{
    AuditEntry, CertificateProof, CertificateRecord, ConsistencyProof, DeviceSummary, EtrSummary,
    Lab, MaintenanceRecord, Organisation, Product, User, UserAccount,
};
use dtsec_registry::{NoticeRecord, NoticeRevision, NoticeSummary};
use serde_json::{Value, json};
use tower_http::limit::RequestBodyLimitLayer;
use tracing::Level;

use crate::controllers::{
    audit, certificates, devices, evaluations, labs, log, maintenance, organisations, postmarket,
    pps, products, scheme, sessions, staff, tokens, users,
};
use crate::error::InternalError;
use crate::openapi::{
    self, Audience, Described, Operation, document_body, fields, json_fields, op,
};
use crate::state::AppState;

/// The routes, by audience.
fn table() -> Vec<Routes> {
    let device_filters = [
        "q",
        "device_type",
        "manufacturer",
        "package",
        "status",
        "lab",
    ];
    let public = Routes::of(Audience::Public)
        .page("/", devices::index::page)
        .page("/devices/{id}", devices::show::page)
        .page("/devices/{id}/st", devices::st::page)
        .page("/labs", labs::index::page)
        .page("/pps", pps::index::page)
        .page("/pps/{id}/{version}", pps::show::page)
        .page_with_files(
            "/certificates/{id}",
            certificates::show::show,
            vec![
                op("The signed certificate (latest revision)").at("/certificates/{id}.json"),
                op("The signed certificate with its log entry and tlog-proof (offline bundle)")
                    .at("/certificates/{id}.bundle.json"),
            ],
        )
        .page("/certificates/{id}/print", certificates::print::page)
        .get(
            "/certificates/{id}/pdf",
            certificates::print::pdf,
            op("The certificate as a one-page PDF with a QR code to its public page"),
        )
        .get(
            "/scheme.pub",
            scheme_pub,
            op("The scheme's certificate-signing public key (SPKI PEM)"),
        )
        .get(
            "/api/v1/scheme/rules",
            scheme::rules::show,
            op("The scheme's rules: how claims of draft PPs are certified")
                .answer::<scheme::rules::SchemeRules>(),
        )
        .unlisted("/openapi.json", openapi_json)
        .unlisted("/healthz", || async { "ok" })
        .get(
            "/api/v1/devices",
            devices::index::api,
            op("Certified devices, one page (newest certification first; the next page is in the `Link: rel=\"next\"` header)")
                .text_filters(&device_filters)
                .query("after", false, json!({"type": "string", "description": "the position after which the page starts: the cursor of the previous page's next link"}))
                .query("limit", false, json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}))
                .answer::<Vec<DeviceSummary>>(),
        )
        .get(
            "/api/v1/devices.csv",
            devices::csv::csv,
            op("Certified devices as CSV (CC portal columns)").text_filters(&device_filters),
        )
        .get(
            "/api/v1/devices/{id}",
            devices::show::api,
            op("One certified device, with its public security posture")
                .answer::<devices::posture::DeviceWithPosture>(),
        )
        .get(
            "/api/v1/devices/{id}/st",
            devices::st::api,
            op("The Security Target the certificate was issued on (YAML, as submitted)"),
        )
        .get(
            "/api/v1/devices/{id}/etr-summary",
            devices::evaluation::api,
            op("Summary of the accepted ETR: lab, verdict, dates, assurance, work units, findings")
                .answer::<EtrSummary>(),
        )
        .get(
            "/api/v1/labs",
            labs::index::api,
            op("Approved labs").answer::<Vec<Lab>>(),
        )
        .page("/evaluations", evaluations::index::page)
        .get(
            "/api/v1/evaluations",
            evaluations::index::api,
            op("Products in evaluation (nothing confidential: product, manufacturer, lab, claims, since, stage)")
                .answer::<Vec<evaluations::index::ProductInEvaluation>>(),
        )
        .get(
            "/api/v1/certificates/{id}/status",
            certificates::status::status,
            op("Current certificate status").answer::<certificates::status::StatusResponse>(),
        )
        // The transparency log (issue 6): C2SP checkpoint and tiles, key, proofs, page.
        .page("/log", log::page::page)
        .get(
            "/log/checkpoint",
            log::files::checkpoint,
            op("The transparency log's latest signed checkpoint (C2SP signed note, text)"),
        )
        .get(
            "/log/vkey",
            log::files::vkey,
            op("The transparency log's verifier key (name+id+key)"),
        )
        .get(
            "/log/tile/{*path}",
            log::files::tile,
            op("C2SP tlog-tiles tile or entry bundle (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>])"),
        )
        .get(
            "/api/v1/certificates/{id}/proof",
            log::proofs::certificate,
            op("A certificate revision's log entry and inclusion proof in the latest checkpoint")
                .query("revision", false, json!({"type": "integer", "minimum": 1}))
                .answer::<CertificateProof>(),
        )
        .get(
            "/api/v1/certificates/{id}/bundle",
            log::proofs::bundle,
            op("The offline bundle (certificate, log entry, tlog-proof)"),
        )
        .get(
            "/api/v1/log/consistency",
            log::proofs::consistency,
            op("Consistency proof between two tree sizes, with the latest checkpoint")
                .query("from", true, json!({"type": "integer", "minimum": 0}))
                .query("to", false, json!({"type": "integer", "minimum": 0}))
                .answer::<ConsistencyProof>(),
        );
    let staff = Routes::of(Audience::Staff)
        .page("/login", sessions::new::new)
        .form("/login", sessions::create::create)
        .form("/logout", sessions::delete::delete)
        .page("/staff", staff::index::index)
        .page("/staff/audit", audit::index::page)
        .post(
            "/api/v1/tokens",
            tokens::create::create,
            op("Create an API token (shown once)")
                .body(fields::<tokens::create::CreateTokenParams>()),
        )
        .post(
            "/api/v1/tokens/{id}/revoke",
            tokens::revoke::revoke,
            op("Revoke one of your API tokens, at once"),
        )
        .post(
            "/api/v1/tokens/password",
            tokens::password::create,
            op("Create an API token with e-mail and password (JSON; shown once; throttled)")
                .without_credentials()
                .body(json_fields::<tokens::password::PasswordTokenParams>()),
        )
        .post(
            "/api/v1/account/password",
            users::password::change_own,
            op("Change your own password (current_password, new_password); your other sessions end")
                .body(fields::<users::password::ChangeOwnParams>()),
        )
        .get(
            "/api/v1/products",
            products::index::index,
            op("Cases the caller may see, newest first, one page (next page in the Link header)")
                .text_filters(&["after", "limit"])
                .answer::<Vec<Product>>(),
        )
        .get(
            "/api/v1/products/{id}",
            products::show::show,
            op("One case").answer::<Product>(),
        )
        // A case's ETR and ST, for whoever may see the case: the certification body reads them
        // before deciding, the lab downloads the ST it evaluates.
        .page("/staff/products/{id}/etr", products::etr::page)
        .page("/staff/products/{id}/etr/report", products::etr::report_page)
        .page("/staff/products/{id}/st", products::st::page)
        .get(
            "/api/v1/products/{id}/etr",
            products::etr::api,
            op("A case's sealed ETR bundle, byte for byte as the lab submitted it (JSON)"),
        )
        .get(
            "/api/v1/products/{id}/etr/pdf",
            products::etr::pdf,
            op("A case's ETR rendered as a PDF (roll-up, observation reports, rated vulnerabilities, evidence manifest)"),
        )
        .get(
            "/api/v1/products/{id}/st",
            products::st::api,
            op("A case's Security Target, byte for byte as submitted (YAML or NIAP XML)"),
        );
    let manufacturer = Routes::of(Audience::Manufacturer)
        .post(
            "/api/v1/products",
            products::create::create,
            op("Manufacturer: register a product")
                .body(fields::<products::create::CreateProductParams>())
                .answer::<Product>(),
        )
        .post(
            "/api/v1/products/{id}/st",
            products::submit_st::submit_st,
            op("Manufacturer: submit the ST (YAML body)")
                .body(document_body(
                    "application/yaml",
                    "st",
                    "The Security Target (dtsec YAML or NIAP XML)",
                ))
                .answer::<Product>(),
        )
        .post(
            "/api/v1/products/{id}/lab",
            products::choose_lab::choose_lab,
            op("Manufacturer: choose an approved lab")
                .body(fields::<products::choose_lab::ChooseLabParams>())
                .answer::<Product>(),
        )
        .post(
            "/api/v1/certificates/{id}/impact-analyses",
            maintenance::file::file,
            op("Manufacturer: file an impact analysis for a new version (classified minor, vulnerability-fix or major)")
                .body(json_fields::<maintenance::file::ImpactAnalysisParams>())
                .answer::<MaintenanceRecord>(),
        );
    let lab = Routes::of(Audience::Lab)
        .post(
            "/api/v1/products/{id}/evaluation",
            products::start_evaluation::start_evaluation,
            op("Lab: start the evaluation").answer::<Product>(),
        )
        .post(
            "/api/v1/products/{id}/etr",
            products::submit_etr::submit_etr,
            op("Lab: submit the sealed ETR bundle (JSON body)")
                .body(document_body(
                    "application/json",
                    "bundle",
                    "The sealed ETR bundle from `dtsec eval seal`",
                ))
                .answer::<Product>(),
        )
        .post(
            "/api/v1/labs/{org}/application",
            labs::lifecycle::apply,
            op("Lab: apply (or re-apply) for approval, with the lab's public profile")
                .body(fields::<dtsec_registry::lab_profile::LabProfile>())
                .answer::<Lab>(),
        )
        .post(
            "/api/v1/labs/{org}/key",
            labs::lifecycle::register_key,
            op("Lab: register the ETR signing key (SPKI PEM body or `public_key` field)")
                .body(document_body(
                    "application/x-pem-file",
                    "public_key",
                    "The lab's Ed25519 public key, SPKI PEM (the .pub file `dtsec keys new` writes)",
                ))
                .answer::<Lab>(),
        )
        .get(
            "/api/v1/maintenance/fix-reviews",
            maintenance::fix_review::index,
            op("Lab: vulnerability fixes awaiting your lab's focused review")
                .answer::<Vec<MaintenanceRecord>>(),
        )
        .post(
            "/api/v1/maintenance/{id}/fix-review",
            maintenance::fix_review::submit,
            op("Lab: the focused review of a vulnerability fix (AVA_VAN on the fix, regression of the touched SFRs)")
                .body(fields::<maintenance::fix_review::FixReviewParams>())
                .answer::<MaintenanceRecord>(),
        );
    let certification_body = Routes::of(Audience::CertificationBody)
        .post(
            "/api/v1/certificates/{id}/status",
            certificates::change_status::change_status,
            op("Certifier: open-review, suspend, reinstate or revoke, with a reason and `confirm: true` (revocation is final)")
                .body(fields::<certificates::change_status::ChangeStatusParams>())
                .answer::<CertificateRecord>(),
        )
        .post(
            "/api/v1/products/{id}/review",
            products::review::review,
            op("Certifier: accept or reject the ETR")
                .body(fields::<products::review::ReviewParams>())
                .answer::<Product>(),
        )
        .post(
            "/api/v1/products/{id}/draft-approval",
            products::approve_draft::approve_draft,
            op("Certifier: approve certifying a case that claims a draft PP, with the reason")
                .body(fields::<products::approve_draft::ApproveDraftParams>())
                .answer::<Product>(),
        )
        .post(
            "/api/v1/products/{id}/certificate",
            certificates::issue::issue,
            op("Certifier: issue the certificate").answer::<CertificateRecord>(),
        )
        .get(
            "/api/v1/maintenance",
            maintenance::index::index,
            op("Certifier: impact analyses awaiting a decision").answer::<Vec<MaintenanceRecord>>(),
        )
        .post(
            "/api/v1/maintenance/{id}/extension",
            maintenance::extend::extend,
            op("Certifier: extend the certificate to a minor change's or a verified vulnerability fix's new version")
                .answer::<CertificateRecord>(),
        )
        .post(
            "/api/v1/certificates/archive",
            certificates::archive::archive,
            op("Certifier: archive certificates past their validity period"),
        );
    let admin = Routes::of(Audience::Admin)
        .post(
            "/api/v1/scheme/rules",
            scheme::rules::update,
            op("Scheme administrator: set how claims of draft PPs are certified (draft_pp: cb-approval or refuse)")
                .body(fields::<scheme::rules::SetRulesParams>())
                .answer::<scheme::rules::SchemeRules>(),
        )
        .post(
            "/api/v1/labs/{org}/approval",
            labs::approve::approve,
            op("Scheme administrator: approve a lab until a date")
                .body(fields::<labs::approve::ApproveParams>())
                .answer::<Lab>(),
        )
        .post(
            "/api/v1/labs/{org}/suspension",
            labs::lifecycle::suspend,
            op("Scheme administrator: suspend a lab").answer::<Lab>(),
        )
        .post(
            "/api/v1/labs/{org}/withdrawal",
            labs::lifecycle::withdraw,
            op("Scheme administrator: withdraw a lab's approval or application").answer::<Lab>(),
        )
        .get(
            "/api/v1/organisations",
            organisations::index::index,
            op("Scheme administrator: every organisation").answer::<Vec<Organisation>>(),
        )
        .post(
            "/api/v1/organisations",
            organisations::create::create,
            op("Scheme administrator: create an organisation (kind, name)")
                .body(fields::<organisations::create::CreateOrganisationParams>())
                .answer::<Organisation>(),
        )
        .get(
            "/api/v1/users",
            users::index::index,
            op("Scheme administrator: every account (organisation, disabled, live sessions)")
                .answer::<Vec<UserAccount>>(),
        )
        .post(
            "/api/v1/users",
            users::create::create,
            op("Scheme administrator: create a user (email, name, role, org_id, password)")
                .body(fields::<users::create::CreateUserParams>())
                .answer::<User>(),
        )
        .post(
            "/api/v1/users/{id}/deactivation",
            users::access::deactivate,
            op("Scheme administrator: disable an account (its sessions end, its tokens stop working)")
                .answer::<UserAccount>(),
        )
        .post(
            "/api/v1/users/{id}/reactivation",
            users::access::reactivate,
            op("Scheme administrator: enable a disabled account again").answer::<UserAccount>(),
        )
        .post(
            "/api/v1/users/{id}/password",
            users::password::set,
            op("Scheme administrator: set a user's forgotten password (password); their sessions end")
                .body(fields::<users::password::SetParams>()),
        )
        // Certifiers read the audit trail too (the registry's grants); it is the administrator's
        // tool first.
        .get(
            "/api/v1/audit",
            audit::index::api,
            op("Audit trail, one page (next page in the Link header): newest first, one record's history, or all records after a seq (oldest first)")
                .text_filters(&["entity", "entity_id", "limit", "after", "before"])
                .answer::<Vec<AuditEntry>>(),
        );
    // Issue 13, postmarket: SBOMs, advisories, matches, assessments, the CB's queue, public VEX.
    let postmarket = postmarket_routes();
    let mut all = vec![public, staff, manufacturer, lab, certification_body, admin];
    all.extend(postmarket);
    all.extend(regulatory_routes());
    all
}

/// The application.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let hsts = state.config.secure_cookies;
    let mut router = Router::new();
    for route in table().into_iter().flat_map(|r| r.routes) {
        router = router.route(route.path, route.handler);
    }
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http_cache::validators,
        ))
        .layer(middleware::from_fn(html_errors_for_browsers))
        .layer(middleware::from_fn(move |req, next| {
            crate::security_headers::security_headers(hsts, req, next)
        }))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::from_fn(request_log))
        .with_state(state)
}

/// The OpenAPI document of the described routes (served at `/openapi.json`, snapshot-tested).
pub fn openapi_document() -> Value {
    let table = table();
    openapi::document(table.iter().flat_map(Routes::described))
}

/// `GET /openapi.json`: built from the table on each request, like any other answer.
async fn openapi_json() -> Json<Value> {
    Json(openapi_document())
}

/// The methods the table uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

impl Method {
    fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
        }
    }

    /// The OpenAPI name.
    fn name(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }
}

/// One entry of the table: a method on a path, its handler, and what the API document says of
/// it (nothing for pages, form posts and plumbing).
struct Route {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
    operations: Vec<Operation>,
}

/// The postmarket routes (issue 13), by audience; authorised by the registry like the rest.
fn postmarket_routes() -> Vec<Routes> {
    let sbom_body = document_body(
        "application/json",
        "sbom",
        "The SBOM: CycloneDX (1.4–1.7) or SPDX (2.2/2.3) JSON",
    );
    let public = Routes::of(Audience::Public).get(
        "/api/v1/certificates/{id}/vex",
        postmarket::vex::show,
        op("The certificate's VEX (assessed vulnerabilities only); `format` = cyclonedx (default), csaf or openvex")
            .query("format", false, json!({"type": "string", "enum": ["cyclonedx", "csaf", "openvex"]})),
    )
    // Publishing: the method page, notices, the CSAF provider's metadata and directory.
    .page("/postmarket", postmarket::about::page)
    .get(
        "/api/v1/notices",
        postmarket::notices::index,
        op("Published vulnerability notices, newest first (`certificate` narrows to one; `limit` 1–1000, default 100)")
            .text_filters(&["certificate"])
            .query("limit", false, json!({"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}))
            .answer::<Vec<NoticeSummary>>(),
    )
    .get(
        "/api/v1/notices/{id}/revisions",
        postmarket::notices::revisions,
        op("Every revision of a notice, oldest first: its CSAF profile and status, the assessment it states, its document's SHA-256 and signature")
            .answer::<Vec<NoticeRevision>>(),
    )
    .get(
        "/api/v1/notices/{id}/revisions/{revision}",
        postmarket::notices::revision,
        op("One revision's CSAF document, byte for byte as signed (earlier revisions stay retrievable; the CSAF directory serves the current one)"),
    )
    .get(
        "/feed.atom",
        devices::feed::registry,
        op("Atom feed of certificate decisions and published vulnerability notices, newest first"),
    )
    .get(
        "/devices/{id}/feed.atom",
        devices::feed::device,
        op("Atom feed of one certificate's decisions and notices, newest first"),
    )
    .get(
        "/.well-known/csaf/provider-metadata.json",
        postmarket::csaf::provider_metadata,
        op("CSAF 2.0 provider metadata: the notice directory and the scheme key's fingerprint"),
    )
    .get(
        "/.well-known/csaf/white/{*path}",
        postmarket::csaf::file,
        op("CSAF directory (TLP:WHITE): index.txt, changes.csv, <year>/<notice>.json with .sha256 and .sig (the scheme key's Ed25519 signature)"),
    );
    let manufacturer = Routes::of(Audience::Manufacturer)
        .post(
            "/api/v1/certificates/{id}/sbom",
            postmarket::sbom::upload,
            op("Manufacturer: upload the certified product's SBOM (idempotent by SHA-256; matched against the current advisories)")
                .body(sbom_body),
        )
        .get(
            "/api/v1/certificates/{id}/sbom",
            postmarket::sbom::show,
            op("Manufacturer or certifier: the certificate's current SBOM and its record"),
        )
        .get(
            "/api/v1/certificates/{id}/matches",
            postmarket::matches::index,
            op("Manufacturer or certifier: the SBOM's matches as of the current advisory snapshot (never public)")
                .answer::<Vec<MatchRecord>>(),
        )
        .post(
            "/api/v1/certificates/{id}/assessments",
            postmarket::assessments::record,
            op("Manufacturer: record an assessment (dtsec-vex JSON; a new version of an existing one is appended to its history)")
                .body(document_body(
                    "application/json",
                    "assessment",
                    "A dtsec-vex assessment (docs/vex.md)",
                ))
                .answer::<AssessmentRecord>(),
        )
        .get(
            "/api/v1/certificates/{id}/assessments",
            postmarket::assessments::index,
            op("Manufacturer or certifier: every assessment entry with its hash")
                .answer::<Vec<AssessmentRecord>>(),
        );
    let certification_body = Routes::of(Audience::CertificationBody)
        .page("/staff/postmarket", postmarket::queue_page::page)
        .post(
            "/api/v1/advisories/sync",
            postmarket::advisories::sync,
            op("Certifier: sync an advisory set (JSON array of OSV records, or a ZIP) as the current snapshot")
                .body(document_body(
                    "application/json",
                    "advisories",
                    "A JSON array of OSV records (or a ZIP of record files, Content-Type: application/zip)",
                ))
                .answer::<SyncReport>(),
        )
        .get(
            "/api/v1/postmarket/queue",
            postmarket::queue::index,
            op("Certifier: proposed certificate actions from assessments and unassessed matches, numbered")
                .answer::<Vec<QueueItem>>(),
        )
        .post(
            "/api/v1/postmarket/queue/{n}/act",
            postmarket::queue::act,
            op("Certifier: decide queue item n with a reason (logged with the assessment's hash)")
                .body(fields::<postmarket::queue::ActParams>()),
        )
        .post(
            "/api/v1/certificates/{id}/notices",
            postmarket::notices::publish,
            op("Certifier: publish a vulnerability notice (CSAF 2.0, signed with the scheme key, logged) from the current assessment of `vuln`")
                .body(fields::<postmarket::notices::PublishParams>())
                .answer::<NoticeRecord>(),
        );
    vec![public, manufacturer, certification_body]
}

/// The regulatory routes (issue 14): coverage of a certified device; authorised by the registry
/// like the rest.
fn regulatory_routes() -> Vec<Routes> {
    let public = Routes::of(Audience::Public).get(
        "/api/v1/devices/{id}/coverage",
        devices::coverage::api,
        op("FDA premarket guidance Appendix 1 coverage of the certified ST, each mapped SFR verified by the lab (sealed ETR) or asserted by the manufacturer")
            .answer::<devices::coverage::DeviceCoverage>(),
    );
    // The package lists the ETR's unresolved vulnerabilities and the SBOM: for whoever may see
    // the product (the registry authorises), not the public.
    let staff = Routes::of(Audience::Staff)
        .page("/certificates/{id}/premarket", certificates::premarket::page)
        .get(
            "/certificates/{id}/premarket.pdf",
            certificates::premarket::pdf,
            op("Manufacturer, certifier or lab: the FDA premarket cybersecurity documentation set as a tagged PDF"),
        )
        .get(
            "/api/v1/certificates/{id}/premarket",
            certificates::premarket::api,
            op("Manufacturer, certifier or lab: the FDA premarket cybersecurity documentation set from the certified ST, sealed ETR and SBOM (section provenance, missing inputs, HTML, PDF as base64)")
                .answer::<certificates::premarket::PremarketPackage>(),
        )
        .get(
            "/api/v1/certificates/{id}/poam",
            certificates::poam::show,
            op("Manufacturer or certifier: the open postmarket items (assessments under investigation or affected) as an OSCAL 1.2.1 plan of action and milestones, FDA clock due dates as milestones, judged on `as_of` (default today)")
                .query("as_of", false, json!({"type": "string", "format": "date"})),
        );
    vec![public, staff]
}

/// The routes of one audience, in the order the table lists them.
struct Routes {
    audience: Audience,
    routes: Vec<Route>,
}

impl Routes {
    fn of(audience: Audience) -> Routes {
        Routes {
            audience,
            routes: Vec::new(),
        }
    }

    fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        handler: H,
        operations: Vec<Operation>,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.routes.push(Route {
            method,
            path,
            handler: on(method.filter(), handler),
            operations,
        });
        self
    }

    /// A described `GET`.
    fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
        operation: Operation,
    ) -> Routes {
        self.add(Method::Get, path, handler, vec![operation])
    }

    /// A described `POST`.
    fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
        operation: Operation,
    ) -> Routes {
        self.add(Method::Post, path, handler, vec![operation])
    }

    /// A `GET` of an HTML page for people: not in the API document.
    fn page<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add(Method::Get, path, handler, Vec::new())
    }

    /// A page whose handler also serves files under suffixed forms of its path, described
    /// there (see [`Operation::at`]).
    fn page_with_files<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
        files: Vec<Operation>,
    ) -> Routes {
        self.add(Method::Get, path, handler, files)
    }

    /// A `POST` of a page's form (the browser's login and logout): not in the API document.
    fn form<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Routes {
        self.add(Method::Post, path, handler, Vec::new())
    }

    /// A `GET` of plumbing (the health check, the API document itself): not in the document.
    fn unlisted<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        handler: H,
    ) -> Routes {
        self.add(Method::Get, path, handler, Vec::new())
    }

    /// The described operations, for the document.
    fn described(&self) -> impl Iterator<Item = Described<'_>> {
        self.routes.iter().flat_map(move |r| {
            r.operations.iter().map(move |operation| Described {
                routed: r.path,
                method: r.method.name(),
                audience: self.audience,
                operation,
            })
        })
    }
}

/// `GET /scheme.pub`: the key that verifies every certificate, as text anyone can fetch.
async fn scheme_pub(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.scheme_key_pem.to_string(),
    )
        .into_response()
}

/// Answers a browser's form post that failed with an HTML page instead of the JSON error the
/// handlers write: the person who pressed the button reads what to fix (and the checker's
/// diagnostics for a rejected ST) with a way back. API clients (no `text/html` in `Accept`) get
/// the JSON unchanged.
async fn html_errors_for_browsers(req: Request, next: Next) -> Response {
    let wants_html = req.method() == axum::http::Method::POST
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let resp = next.run(req).await;
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !wants_html
        || !is_json
        || !(resp.status().is_client_error() || resp.status().is_server_error())
    {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let message = v["error"].as_str().unwrap_or("the request failed");
    let diags = v["diagnostics"].as_array();
    let b = crate::html::html! {
        h1 { (parts.status.as_u16()) " — not done" }
        p role="alert" { (message) }
        @if let Some(diags) = diags {
            h2 { "Checker diagnostics" }
            ul {
                @for d in diags {
                    li {
                        "line " (d["line"]) ": "
                        strong { (d["severity"].as_str().unwrap_or("")) }
                        " " (d["code"].as_str().unwrap_or("")) " — " (d["message"].as_str().unwrap_or(""))
                    }
                }
            }
        }
        p { a href="/staff" { "Back to my work" } }
    };
    let mut out = (
        parts.status,
        axum::response::Html(crate::html::layout("Not done", None, b).into_string()),
    )
        .into_response();
    if let Some(e) = parts.extensions.get::<InternalError>() {
        out.extensions_mut().insert(e.clone());
    }
    out
}

/// The server's log: one INFO event per request (method, URI, status, latency; `DTSEC_LOG`
/// filters it out with `dtsec_server=warn`) and the detail of internal errors, which the response
/// itself reduces to "internal error".
///
/// Why one event and no span (it was tower-http's `TraceLayer`): a span per request costs a slot
/// in the subscriber's registry and its fields formatted apart from the line, about a sixth of
/// a status lookup's CPU; the line says the same with one event. The method and URI are kept
/// by cloning (reference-counted bytes), not formatted, before the handler runs, and nothing is
/// formatted when the level is filtered out.
async fn request_log(req: Request, next: Next) -> Response {
    let info = tracing::enabled!(target: "dtsec_server::request", Level::INFO);
    let start = std::time::Instant::now();
    let method = req.method().clone();
    let uri = req.uri().clone();
    let resp = next.run(req).await;
    if let Some(InternalError(detail)) = resp.extensions().get::<InternalError>() {
        tracing::error!(http.method = %method, http.path = %uri.path(), error.detail = %detail, "internal error");
    }
    if info {
        tracing::info!(
            target: "dtsec_server::request",
            method = %method,
            uri = %uri,
            status = resp.status().as_u16(),
            latency_us = start.elapsed().as_micros() as u64,
            "request"
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use axum::body::Body;
    use axum::routing::on;
    use tower::ServiceExt as _;

    use super::{Method, openapi_document, table};

    /// Every JSON API route is in the document: `page`, `form` and `unlisted` are for the rest.
    #[test]
    fn every_api_route_is_described() {
        for routes in table() {
            for r in routes.routes {
                assert!(
                    !r.path.starts_with("/api/") || !r.operations.is_empty(),
                    "{:?} {} is an API route without a description",
                    r.method,
                    r.path
                );
            }
        }
    }

    /// No operation is described twice (the second would silently replace the first), and the
    /// document lists exactly the table's descriptions.
    #[test]
    fn the_document_lists_each_description_once() {
        let mut seen = BTreeSet::new();
        for routes in table() {
            for d in routes.described() {
                let key = (d.operation.documented_path(d.routed), d.method);
                assert!(seen.insert(key.clone()), "{key:?} is described twice");
            }
        }
        let doc = openapi_document();
        let listed: BTreeSet<(String, &str)> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(m, _)| ["get", "post"].into_iter().find(|k| k == m))
                    .map(move |m| (path.clone(), m))
            })
            .collect();
        assert_eq!(listed, seen);
    }

    /// Each description is answered by the route that carries it: a request to the documented
    /// path (parameters filled in) reaches that route, not another one or none.
    #[tokio::test]
    async fn every_description_is_answered_by_its_route() {
        let table = table();
        let mut probe = axum::Router::new();
        for r in table.iter().flat_map(|t| &t.routes) {
            let label = format!("{:?} {}", r.method, r.path);
            probe = probe.route(r.path, on(r.method.filter(), move || async move { label }));
        }
        for routes in &table {
            for r in &routes.routes {
                for operation in &r.operations {
                    let documented = operation.documented_path(r.path);
                    let uri: String = documented
                        .split('{')
                        .enumerate()
                        .map(|(i, part)| match part.split_once('}') {
                            Some((_, rest)) if i > 0 => format!("x{rest}"),
                            _ => part.to_string(),
                        })
                        .collect();
                    let method = match r.method {
                        Method::Get => axum::http::Method::GET,
                        Method::Post => axum::http::Method::POST,
                    };
                    let req = axum::http::Request::builder()
                        .method(method)
                        .uri(&uri)
                        .body(Body::empty())
                        .unwrap();
                    let resp = probe.clone().oneshot(req).await.unwrap();
                    let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
                    assert_eq!(
                        String::from_utf8_lossy(&body),
                        format!("{:?} {}", r.method, r.path),
                        "{documented} is not answered by its route"
                    );
                }
            }
        }
    }
}
