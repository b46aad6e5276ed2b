//! SFR instance ids: a component id with an optional iteration, `FCS_COP.1/Hash`.

/// A parsed SFR instance id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SfrId<'a> {
    /// The component, e.g. `FCS_COP.1`.
    pub component: &'a str,
    /// The iteration label, e.g. `Hash`, if any.
    pub iteration: Option<&'a str>,
}

impl<'a> SfrId<'a> {
    /// Splits `FCS_COP.1/Hash` into component and iteration. Never fails: shape errors are the
    /// checker's to report.
    pub fn parse(id: &'a str) -> SfrId<'a> {
        match id.split_once('/') {
            Some((component, iteration)) => SfrId {
                component: component.trim(),
                iteration: Some(iteration.trim()),
            },
            None => SfrId {
                component: id.trim(),
                iteration: None,
            },
        }
    }
}

/// True when `id` has the shape of a CC component id: `CCC_FFF.n` or `CCC_FFF_EXT.n`.
pub fn is_component_id_shape(id: &str) -> bool {
    let Some((family, number)) = id.rsplit_once('.') else {
        return false;
    };
    let mut parts = family.split('_');
    let class_ok = parts
        .next()
        .is_some_and(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()));
    // Family names are upper-case letters, with digits allowed after the first (NIAP's X509).
    let fam_ok = parts.next().is_some_and(|f| {
        f.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && f.chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
    });
    let rest_ok = parts.all(|p| p == "EXT");
    class_ok
        && fam_ok
        && rest_ok
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// The element's component: `FCS_COP.1.1` → `FCS_COP.1`; SAR elements `ADV_FSP.1.1D` too.
pub fn component_of_element(element: &str) -> &str {
    element.rsplit_once('.').map_or(element, |(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iterations() {
        let id = SfrId::parse("FCS_COP.1/Hash");
        assert_eq!(id.component, "FCS_COP.1");
        assert_eq!(id.iteration, Some("Hash"));
        assert_eq!(SfrId::parse("FAU_GEN.1").iteration, None);
    }

    #[test]
    fn component_shapes() {
        assert!(is_component_id_shape("FCS_COP.1"));
        assert!(is_component_id_shape("FPT_TUD_EXT.1"));
        assert!(is_component_id_shape("FIA_X509_EXT.1"));
        assert!(!is_component_id_shape("FIA_9X_EXT.1"));
        assert!(!is_component_id_shape("FCS_COP"));
        assert!(!is_component_id_shape("fcs_cop.1"));
        assert_eq!(component_of_element("FCS_COP.1.1"), "FCS_COP.1");
        assert_eq!(component_of_element("ADV_FSP.1.2C"), "ADV_FSP.1");
    }
}
