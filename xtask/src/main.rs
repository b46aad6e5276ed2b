//! Project chores: generators of committed facts.
//!
//! Why: generated sources are committed (so normal builds need neither the CC XML nor a
//! build script), and this binary is the one documented way to refresh them.
//!
//! Usage:
//!   cargo xtask gen-catalog [--check] ../shared/cc/cc2022.xml [../shared/cc/cc3R5.xml]
//!   cargo xtask gen-builtins [--check]
//!
//! `gen-catalog` writes `crates/catalog/src/generated/<edition>.rs`, applying
//! `crates/catalog/errata.toml`. `gen-builtins` writes the built-in documents' compiled form
//! (`crates/model/builtin/compiled/*.mpk` and `crates/model/src/generated_builtins.rs`) from
//! `crates/model/builtin/*.yaml`: run it after changing a built-in YAML file or the model's
//! types (a test fails until then). With `--check`, neither writes anything; each fails if a
//! committed file is out of date.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dtsec_catalog::generator;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn usage() -> &'static str {
    "usage: cargo xtask gen-catalog [--check] <cc-reference.xml>...\n       cargo xtask gen-builtins [--check]"
}

/// Writes (or with `--check` compares) the built-in documents' compiled form.
/// Reads a built-in written in NIAP XML (NIAP's TLS package) with dtsec's NIAP reader.
fn read_niap_builtin(
    source: &dtsec_model::SourceFile,
) -> std::result::Result<dtsec_model::Document, String> {
    dtsec_niap::import(&source.text, &source.name)
        .map(|imported| imported.document)
        .map_err(|e| e.to_string())
}

fn gen_builtins(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("{}", usage()),
    };
    let started = Instant::now();
    let model_dir = workspace_root().join("crates/model");
    let files = dtsec_model::compiled::generate_with(dtsec_model::BUILTINS, &read_niap_builtin)
        .context("compiling the built-in documents")?;
    let mut stale = Vec::new();
    for file in &files {
        let target = model_dir.join(&file.path);
        let current = std::fs::read(&target).unwrap_or_default();
        if current == file.contents {
            continue;
        }
        if check {
            stale.push(file.path.clone());
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            dtsec_fsio::write_atomic(&target, &file.contents)
                .with_context(|| format!("writing {}", target.display()))?;
            eprintln!(
                "  written crates/model/{} ({} bytes)",
                file.path,
                file.contents.len()
            );
        }
    }
    eprintln!(
        "{} built-in documents compiled in {:.0?}",
        files.len() - 1,
        started.elapsed()
    );
    if !stale.is_empty() {
        bail!(
            "out of date (run `cargo xtask gen-builtins`): {}",
            stale.join(", ")
        );
    }
    Ok(())
}

fn gen_catalog(args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let inputs: Vec<&String> = args.iter().filter(|a| *a != "--check").collect();
    if inputs.is_empty() {
        bail!("{}", usage());
    }
    let catalog_dir = workspace_root().join("crates/catalog");
    let errata_path = catalog_dir.join("errata.toml");
    let errata = std::fs::read_to_string(&errata_path)
        .with_context(|| format!("reading {}", errata_path.display()))?;
    let mut stale = Vec::new();
    for input in inputs {
        let started = Instant::now();
        let meta = std::fs::metadata(input).with_context(|| format!("reading {input}"))?;
        if meta.len() > generator::MAX_XML_BYTES as u64 {
            bail!("{input}: larger than {} bytes", generator::MAX_XML_BYTES);
        }
        let xml = std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?;
        let out = generator::generate(&xml, &errata)
            .with_context(|| format!("generating from {input}"))?;
        let target = catalog_dir.join("src/generated").join(&out.file_name);
        let st = &out.stats;
        eprintln!(
            "{input} -> {} ({}): {} functional components, {} functional elements, {} assurance components, {} work units ({} unnumbered in {} components) in {:.0?}",
            target
                .strip_prefix(workspace_root())
                .unwrap_or(&target)
                .display(),
            out.edition.label(),
            st.functional_components,
            st.functional_elements,
            st.assurance_components,
            st.work_units,
            st.unnumbered_work_units,
            st.components_with_unnumbered_work_units,
            started.elapsed()
        );
        for e in &st.errata_applied {
            eprintln!("  errata applied: {e}");
        }
        for n in &st.notes {
            eprintln!("  note: {n}");
        }
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        if current == out.source {
            eprintln!("  up to date");
        } else if check {
            stale.push(target.display().to_string());
        } else {
            std::fs::write(&target, &out.source)
                .with_context(|| format!("writing {}", target.display()))?;
            eprintln!("  written");
        }
    }
    if !stale.is_empty() {
        bail!("out of date (run without --check): {}", stale.join(", "));
    }
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen-catalog") => gen_catalog(&args[1..]),
        Some("gen-builtins") => gen_builtins(&args[1..]),
        _ => bail!("{}", usage()),
    }
}
