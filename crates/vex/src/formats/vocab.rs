//! The mappings between dtsec's vocabulary (CycloneDX's, the richest) and CSAF's and OpenVEX's
//! (design §5). Where a mapping loses detail — three CycloneDX justifications become one OpenVEX
//! label, four become another — the exact value travels in the dtsec extension, so a document
//! dtsec wrote re-imports to the same state; a foreign document gets the first value of its
//! group, as documented in `docs/vex.md`.

use crate::assessment::{Justification, Response};

/// OpenVEX justification / CSAF flag label of a CycloneDX justification.
pub fn label_of(j: Justification) -> &'static str {
    match j {
        Justification::CodeNotPresent => "vulnerable_code_not_present",
        Justification::CodeNotReachable => "vulnerable_code_not_in_execute_path",
        Justification::RequiresConfiguration
        | Justification::RequiresDependency
        | Justification::RequiresEnvironment => "vulnerable_code_cannot_be_controlled_by_adversary",
        Justification::ProtectedByCompiler
        | Justification::ProtectedAtRuntime
        | Justification::ProtectedAtPerimeter
        | Justification::ProtectedByMitigatingControl => "inline_mitigations_already_exist",
    }
}

/// The CycloneDX justification a label stands for when nothing more exact is known (the first
/// of its group). `component_not_present` is not a justification: it means a false positive.
pub fn justification_of(label: &str) -> Option<Justification> {
    Some(match label {
        "vulnerable_code_not_present" => Justification::CodeNotPresent,
        "vulnerable_code_not_in_execute_path" => Justification::CodeNotReachable,
        "vulnerable_code_cannot_be_controlled_by_adversary" => Justification::RequiresConfiguration,
        "inline_mitigations_already_exist" => Justification::ProtectedByMitigatingControl,
        _ => return None,
    })
}

/// The label for a false positive.
pub const COMPONENT_NOT_PRESENT: &str = "component_not_present";

/// CycloneDX `analysis.justification` spelling.
pub fn cdx_justification(j: Justification) -> &'static str {
    match j {
        Justification::CodeNotPresent => "code_not_present",
        Justification::CodeNotReachable => "code_not_reachable",
        Justification::RequiresConfiguration => "requires_configuration",
        Justification::RequiresDependency => "requires_dependency",
        Justification::RequiresEnvironment => "requires_environment",
        Justification::ProtectedByCompiler => "protected_by_compiler",
        Justification::ProtectedAtRuntime => "protected_at_runtime",
        Justification::ProtectedAtPerimeter => "protected_at_perimeter",
        Justification::ProtectedByMitigatingControl => "protected_by_mitigating_control",
    }
}

/// The inverse of [`cdx_justification`].
pub fn cdx_justification_of(s: &str) -> Option<Justification> {
    use Justification::*;
    [
        CodeNotPresent,
        CodeNotReachable,
        RequiresConfiguration,
        RequiresDependency,
        RequiresEnvironment,
        ProtectedByCompiler,
        ProtectedAtRuntime,
        ProtectedAtPerimeter,
        ProtectedByMitigatingControl,
    ]
    .into_iter()
    .find(|j| cdx_justification(*j) == s)
}

/// CycloneDX `analysis.response` spelling.
pub fn cdx_response(r: Response) -> &'static str {
    match r {
        Response::CanNotFix => "can_not_fix",
        Response::WillNotFix => "will_not_fix",
        Response::Update => "update",
        Response::Rollback => "rollback",
        Response::WorkaroundAvailable => "workaround_available",
    }
}

/// The inverse of [`cdx_response`].
pub fn cdx_response_of(s: &str) -> Option<Response> {
    use Response::*;
    [CanNotFix, WillNotFix, Update, Rollback, WorkaroundAvailable]
        .into_iter()
        .find(|r| cdx_response(*r) == s)
}

/// CSAF remediation category of a response. `rollback` has no CSAF category of its own: it is a
/// `mitigation` (lossy; the exact response travels in the extension).
pub fn csaf_category(r: Response) -> &'static str {
    match r {
        Response::Update => "vendor_fix",
        Response::WorkaroundAvailable => "workaround",
        Response::CanNotFix => "none_available",
        Response::WillNotFix => "no_fix_planned",
        Response::Rollback => "mitigation",
    }
}

/// The response a CSAF remediation category stands for.
pub fn response_of_csaf(s: &str) -> Option<Response> {
    Some(match s {
        "vendor_fix" => Response::Update,
        "workaround" => Response::WorkaroundAvailable,
        "none_available" => Response::CanNotFix,
        "no_fix_planned" => Response::WillNotFix,
        "mitigation" => Response::Rollback,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_justification_maps_and_its_label_maps_back_into_its_group() {
        for j in [
            Justification::CodeNotPresent,
            Justification::CodeNotReachable,
            Justification::RequiresConfiguration,
            Justification::RequiresDependency,
            Justification::RequiresEnvironment,
            Justification::ProtectedByCompiler,
            Justification::ProtectedAtRuntime,
            Justification::ProtectedAtPerimeter,
            Justification::ProtectedByMitigatingControl,
        ] {
            let back = justification_of(label_of(j)).unwrap();
            assert_eq!(label_of(back), label_of(j));
            assert_eq!(cdx_justification_of(cdx_justification(j)), Some(j));
        }
    }
}
