//! The package as plain values, before it is rendered: sections with their provenance and
//! content blocks. HTML and PDF are two views of the same [`Package`], so they cannot disagree.

/// Where a section's content comes from — what a reviewer may rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provenance {
    /// From a sealed ETR whose signature verified with the lab's key.
    LabVerified,
    /// From the manufacturer's own documents (the ST, the SBOM), not independently checked.
    Manufacturer,
    /// Nothing to derive it from: the manufacturer must write it.
    ToBeAuthored,
}

impl Provenance {
    /// The tag as shown on the section.
    pub fn label(self) -> &'static str {
        match self {
            Provenance::LabVerified => "verified by an approved lab",
            Provenance::Manufacturer => "manufacturer data",
            Provenance::ToBeAuthored => "to be authored",
        }
    }

    /// A CSS-class-safe key.
    pub fn key(self) -> &'static str {
        match self {
            Provenance::LabVerified => "lab",
            Provenance::Manufacturer => "manufacturer",
            Provenance::ToBeAuthored => "authored",
        }
    }
}

/// One piece of a section's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table with a header row.
    Table {
        /// Column headers.
        headers: Vec<String>,
        /// Rows, each as long as `headers`.
        rows: Vec<Vec<String>>,
    },
    /// Something the manufacturer still has to write, shown as a marked box.
    Todo(String),
}

/// One section of the documentation set.
#[derive(Clone, Debug)]
pub struct Section {
    /// The HTML id (stable: links and tests use it).
    pub id: &'static str,
    /// The title.
    pub title: &'static str,
    /// The guidance part it answers (e.g. "V.A, App. 4").
    pub guidance: &'static str,
    /// Where its content comes from.
    pub provenance: Provenance,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// An input the package lacks, and what it would give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The input.
    pub input: String,
    /// What having it would fill in.
    pub gives: String,
}

/// The whole documentation set.
#[derive(Clone, Debug)]
pub struct Package {
    /// The title (the TOE and ST).
    pub title: String,
    /// The date it is as of (from the inputs, never the clock).
    pub date: String,
    /// Facts for the cover (label, value).
    pub cover: Vec<(String, String)>,
    /// Missing inputs, listed at the top.
    pub missing: Vec<Missing>,
    /// The sections in order.
    pub sections: Vec<Section>,
}

impl Package {
    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}
