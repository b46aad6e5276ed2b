//! Short summaries of what each work unit asks the evaluator to do, in dtsec's own words.
//!
//! Why: a work-unit id alone ("ADV_FSP.3-4") tells a new evaluator little, and the CEM's text
//! may not be shipped. These one-line paraphrases describe the *purpose* of each assurance
//! family and evaluator action used by the CDD packages; they are not the CEM's wording. For
//! the official text, the user passes their own CC XML (`--cc-xml`).

/// The family's purpose, in our words, or `None` for a family we have not summarised.
pub fn family(family: &str) -> Option<&'static str> {
    Some(match family {
        "ASE_CCL" => {
            "check the ST's conformance claims: which CC edition, PPs and packages it claims, and that the claims are consistent and justified"
        }
        "ASE_ECD" => {
            "check that each extended component is defined clearly, in the style of the CC, and is really needed"
        }
        "ASE_INT" => {
            "check that the ST and TOE are identified unambiguously and that the TOE overview and description agree with each other"
        }
        "ASE_OBJ" => {
            "check that the security objectives are stated and that the rationale traces them to the threats, assumptions and policies"
        }
        "ASE_REQ" => {
            "check that the SFRs and SARs are stated correctly, operations completed, dependencies met or justified, and the requirements rationale sound"
        }
        "ASE_SPD" => {
            "check that the threats, assumptions and organisational policies are described completely and consistently"
        }
        "ASE_TSS" => {
            "check that the TOE summary specification explains how the TOE meets every SFR"
        }
        "ADV_ARC" => {
            "check that the security architecture description explains self-protection, domain separation and non-bypassability of the TSF"
        }
        "ADV_FSP" => {
            "check that the functional specification describes every TSF interface, its purpose, parameters and errors, and maps to the SFRs"
        }
        "ADV_IMP" => {
            "check that the implementation representation (source, HDL) is complete enough and corresponds to the design"
        }
        "ADV_TDS" => {
            "check that the TOE design breaks the TSF into subsystems (and modules) and describes their behaviour and interactions against the SFRs"
        }
        "AGD_OPE" => {
            "check that the operational guidance tells each user role how to use the TOE securely and warns of insecure states"
        }
        "AGD_PRE" => {
            "check that the preparative procedures let the TOE be accepted and installed securely, and try them"
        }
        "ALC_CMC" => {
            "check the developer's configuration management: unique references, the CM system, its documentation and its use"
        }
        "ALC_CMS" => {
            "check that the configuration list covers the items the assurance level requires"
        }
        "ALC_DEL" => {
            "check that the delivery procedures keep the TOE secure on its way to the user, and that they are used"
        }
        "ALC_DVS" => {
            "check that the development environment is physically, procedurally and personnel-wise protected, and that the measures are applied"
        }
        "ALC_FLR" => {
            "check that flaws are tracked, fixed and the fixes delivered to users, with a way for users to report flaws"
        }
        "ALC_LCD" => {
            "check that the developer follows a documented life-cycle model for development and maintenance"
        }
        "ALC_TAT" => {
            "check that the development tools are well defined and their implementation-dependent options documented"
        }
        "ALC_TSU_EXT" => {
            "check the developer's timely security update process: how fixes reach devices in the field, how fast, and how users learn of them"
        }
        "ATE_COV" => {
            "check that the developer's tests cover the TSF interfaces of the functional specification"
        }
        "ATE_DPT" => {
            "check that the developer's tests exercise the subsystems (and modules) of the TOE design"
        }
        "ATE_FUN" => {
            "check the developer's test documentation: plans, procedures, expected and actual results"
        }
        "ATE_IND" => {
            "test the TOE independently: repeat a sample of the developer's tests and devise and run the evaluator's own"
        }
        "AVA_VAN" => {
            "search for and analyse potential vulnerabilities and penetration-test the TOE against attackers of the claimed attack potential"
        }
        _ => return None,
    })
}

/// A summary of one evaluator action element beyond the first, where the family has one.
fn element(family: &str, number: u32) -> Option<&'static str> {
    Some(match (family, number) {
        ("ASE_ECD", 2) => {
            "confirm that no extended component can be expressed with the CC's own components"
        }
        ("ASE_INT", 2) => {
            "confirm that the TOE reference, overview and description are consistent with each other"
        }
        ("ASE_TSS", 2) => "confirm that the TSS agrees with the TOE overview and description",
        ("ADV_FSP", 2) | ("ADV_TDS", 2) => {
            "determine that the document is an accurate and complete instantiation of the SFRs"
        }
        ("AGD_PRE", 2) => {
            "apply the preparative procedures and confirm the TOE can be prepared securely"
        }
        ("ALC_DVS", 2) => {
            "confirm that the security measures are actually applied (e.g. by a site visit)"
        }
        ("ATE_IND", 2) => "test a subset of the TSF to confirm it operates as specified",
        ("ATE_IND", 3) => "repeat a sample of the developer's tests and compare results",
        ("AVA_VAN", 2) => "search public sources for potential vulnerabilities in the TOE",
        ("AVA_VAN", 3) => "perform an independent vulnerability analysis of the TOE",
        ("AVA_VAN", 4) => {
            "conduct penetration testing to find out whether the potential vulnerabilities are exploitable"
        }
        _ => return None,
    })
}

/// The summary of one work unit: the element's purpose (or the family's), plus the content
/// elements it addresses.
pub fn work_unit(component: &str, element_id: &str, addresses: &[String]) -> Option<String> {
    let fam = component.split('.').next().unwrap_or(component);
    let number = element_id
        .strip_prefix(component)
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.strip_suffix(['E', 'e']))
        .and_then(|n| n.parse::<u32>().ok());
    let base = number
        .and_then(|n| element(fam, n))
        .or_else(|| family(fam))?;
    let mut s = format!("{component}: {base}");
    if !addresses.is_empty() {
        s.push_str(&format!(" (content: {})", addresses.join(", ")));
    }
    Some(s)
}
