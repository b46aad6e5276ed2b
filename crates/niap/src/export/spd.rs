//! The security problem definition and the security objectives: threats, assumptions, OSPs and
//! objectives, each with what addresses it, and the kept prose of those chapters.

use dtsec_model::{Definition, Document};

use super::error::ExportError;
use super::exporter::{Exporter, Root, Slot};

impl Exporter<'_> {
    pub(super) fn spd(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        if let Some(s) = self.sections_in(Slot::Spd).first() {
            return self.kept_section(s);
        }
        let derive = !any_refs(doc);
        self.x
            .raw("<sec:Security_Problem_Definition>\n<sec:Threats><threats>");
        for d in &doc.spd.threats {
            self.x.nl();
            self.definition("threat", d, derive, true)?;
        }
        self.x
            .raw("</threats></sec:Threats>\n<sec:Assumptions><assumptions>");
        for d in &doc.spd.assumptions {
            self.x.nl();
            self.definition("assumption", d, derive, false)?;
        }
        self.x.raw("</assumptions></sec:Assumptions>\n");
        if !doc.spd.osps.is_empty() {
            self.x.raw("<sec:Organizational_Security_Policies><OSPs>");
            for d in &doc.spd.osps {
                self.x.nl();
                self.definition("OSP", d, derive, false)?;
            }
            self.x
                .raw("</OSPs></sec:Organizational_Security_Policies>\n");
        }
        self.x.raw("</sec:Security_Problem_Definition>\n");
        Ok(())
    }

    /// A threat, assumption or OSP with its objective or SFR mappings. `derive`: the document
    /// has no NIAP mappings of its own (YAML), so they are built from the objectives' and SFRs'
    /// links.
    pub(super) fn definition(
        &mut self,
        tag: &str,
        d: &Definition,
        derive: bool,
        threat: bool,
    ) -> Result<(), ExportError> {
        let doc = self.doc;
        self.x.open(tag, &[("name", &d.id.value)]);
        self.prose_el("description", &d.description)?;
        if derive {
            let objs: Vec<&Definition> = doc
                .objectives
                .toe
                .iter()
                .chain(&doc.objectives.environment)
                .filter(|o| o.addresses.iter().any(|a| a.value == d.id.value))
                .collect();
            if !objs.is_empty() || !threat {
                for o in objs {
                    self.x.open("objective-refer", &[("ref", &o.id.value)]);
                    self.prose_el("rationale", o.rationale.as_deref().unwrap_or(""))?;
                    self.x.close("objective-refer");
                }
            } else {
                let sfrs: Vec<&str> = doc
                    .sfrs
                    .iter()
                    .filter(|s| s.addresses.iter().any(|a| a.value == d.id.value))
                    .map(|s| s.id.value.as_str())
                    .collect();
                for s in sfrs {
                    self.x.leaf("addressed-by", &[], s);
                    self.x.raw("<rationale/>");
                }
            }
        } else {
            for m in &d.objective_refs {
                self.x.open("objective-refer", &[("ref", &m.to.value)]);
                self.prose_el("rationale", m.rationale.as_deref().unwrap_or(""))?;
                self.x.close("objective-refer");
            }
            self.addressed_by(d)?;
        }
        self.x.close(tag);
        Ok(())
    }

    pub(super) fn addressed_by(&mut self, d: &Definition) -> Result<(), ExportError> {
        for m in &d.addressed_by {
            self.x.leaf("addressed-by", &[], &m.to.value);
            if let Some(r) = &m.rationale {
                self.prose_el("rationale", r)?;
            }
        }
        Ok(())
    }

    pub(super) fn objectives(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        if let Some(s) = self.sections_in(Slot::Objectives).first() {
            return self.kept_section(s);
        }
        let derive = !any_refs(doc);
        self.x.raw("<sec:Security_Objectives>\n");
        if !doc.objectives.toe.is_empty() || self.root == Root::Module {
            self.x.raw("<sec:Security_Objectives_for_the_TOE><SOs>");
            for o in &doc.objectives.toe {
                self.x.nl();
                self.x.open("SO", &[("name", &o.id.value)]);
                self.prose_el("description", &o.description)?;
                if derive {
                    let sfrs: Vec<&str> = doc
                        .sfrs
                        .iter()
                        .filter(|s| s.objectives.iter().any(|a| a.value == o.id.value))
                        .map(|s| s.id.value.as_str())
                        .collect();
                    if sfrs.is_empty() {
                        self.x.raw("<addressed-by/><rationale/>");
                    }
                    for s in sfrs {
                        self.x.leaf("addressed-by", &[], s);
                        self.x.raw("<rationale/>");
                    }
                } else {
                    self.addressed_by(o)?;
                }
                self.x.close("SO");
            }
            self.x.raw("</SOs></sec:Security_Objectives_for_the_TOE>\n");
        }
        self.x
            .raw("<sec:Security_Objectives_for_the_Operational_Environment>");
        if !doc.objectives.environment.is_empty() {
            self.x.raw("<SOEs>");
            for o in &doc.objectives.environment {
                self.x.nl();
                self.x.open("SOE", &[("name", &o.id.value)]);
                self.prose_el("description", &o.description)?;
                self.x.close("SOE");
            }
            self.x.raw("</SOEs>");
        }
        self.x
            .raw("</sec:Security_Objectives_for_the_Operational_Environment>\n");
        for s in self.sections_in(Slot::ObjRationale) {
            if s.id == "Security_Objectives_Rationale" {
                self.x.raw("<sec:Security_Objectives_Rationale/>\n");
            } else {
                self.x.empty(
                    "section",
                    &[("title", "Security Objectives Rationale"), ("id", &s.id)],
                );
                self.x.nl();
            }
        }
        self.x.raw("</sec:Security_Objectives>\n");
        Ok(())
    }
}

/// True when some definition carries NIAP mappings (the document came from NIAP XML).
pub(super) fn any_refs(doc: &Document) -> bool {
    doc.spd
        .threats
        .iter()
        .chain(&doc.spd.assumptions)
        .chain(&doc.spd.osps)
        .chain(&doc.objectives.toe)
        .chain(&doc.objectives.environment)
        .any(|d| !d.objective_refs.is_empty() || !d.addressed_by.is_empty())
}
