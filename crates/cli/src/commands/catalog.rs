//! `dtsec catalog`: the built-in CC facts, and the official text from the user's own file.

use dtsec_catalog::{Catalog, Edition, describe, list_line, text_from_cc_xml};

use crate::CatalogCommand;
use crate::error::{CliError, CliResult, Exit};

fn edition(label: &str) -> Result<&'static Catalog, CliError> {
    Edition::parse(label).map(Catalog::get).ok_or_else(|| {
        CliError::unusable(format!("unknown CC edition `{label}`"))
            .with_help("use `CC:2022 R1` or `CC 3.1 R5`")
    })
}

pub fn run(command: CatalogCommand) -> CliResult {
    match command {
        CatalogCommand::Show {
            id,
            edition: ed,
            cc_xml,
        } => {
            let cat = edition(&ed)?;
            let c = cat.component(&id).ok_or_else(|| {
                CliError::unusable(format!(
                    "`{id}` is not a component of {}",
                    cat.edition().label()
                ))
                .with_help("`dtsec catalog list` lists the components")
            })?;
            out!("{}", describe(c, cat));
            if let Some(path) = cc_xml {
                let xml = crate::input::read_text(&path, crate::input::CC_XML_LIMIT, "--cc-xml")?;
                let text = text_from_cc_xml(&xml, c.id)
                    .map_err(|e| CliError::unusable(format!("{}: {e}", path.display())))?;
                outln!("\nText (from {}):", path.display());
                for e in &text.elements {
                    outln!("  {}: {}", e.id, e.text);
                    for wu in &e.work_units {
                        let id = wu.id.as_deref().unwrap_or("(unnumbered)");
                        outln!("    {id}: {}", wu.paragraphs.join(" "));
                    }
                }
            }
            Ok(Exit::Success)
        }
        CatalogCommand::List { class, edition: ed } => {
            let cat = edition(&ed)?;
            let mut n = 0;
            for c in cat.components() {
                if class
                    .as_deref()
                    .is_none_or(|k| c.class.eq_ignore_ascii_case(k))
                {
                    outln!("{}", list_line(c));
                    n += 1;
                }
            }
            if n == 0 {
                return Err(CliError::unusable(format!(
                    "no components in class `{}`",
                    class.unwrap_or_default()
                )));
            }
            Ok(Exit::Success)
        }
        CatalogCommand::Eal { level, edition: ed } => {
            let cat = edition(&ed)?;
            let ids = cat.eal(level).ok_or_else(|| {
                CliError::unusable(format!("EAL{level} does not exist; use 1 to 7"))
            })?;
            for id in ids {
                let name = cat.component(id).map_or("", |c| c.name);
                outln!("{id:<12} {name}");
            }
            Ok(Exit::Success)
        }
    }
}
