//! `dtsec blob-gc`: removes the blobs (STs, sealed ETR bundles) no row of the registry names,
//! beside `dtsec serve` and `dtsec bootstrap-admin` on the same data directory. The work is
//! `Store::collect_blob_garbage` (its module says why it is safe next to a running server:
//! only blobs last stored before the grace period go); this file parses, runs and prints.

use std::time::Duration;

use dtsec_registry::Store;

use crate::commands::serve::{StoreArgs, runtime, store_config};
use crate::error::{CliError, CliResult, Exit};

/// Remove the blobs no row of the registry names (orphans of rolled-back uploads), once they
/// are older than the grace period. Run it with the same --data-dir, --database-url and
/// --blob-dir as `dtsec serve`; never on a blob directory several registries share.
#[derive(clap::Args, Debug, Clone)]
pub struct BlobGcArgs {
    /// Where the data is.
    #[command(flatten)]
    pub store: StoreArgs,
    /// List what would be removed, remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep orphans stored in the last MINUTES (0 to 525600): an upload puts its blob just
    /// before committing the row that names it, so 0 is safe only while no server runs.
    #[arg(long, value_name = "MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=525_600))]
    pub grace_minutes: u64,
}

/// Runs one collection; exit status 0 done, 2 the registry could not be opened or read.
pub fn run(args: &BlobGcArgs) -> CliResult {
    runtime()?.block_on(async {
        let store = Store::open(store_config(&args.store).await?)
            .await
            .map_err(|e| CliError::unusable(format!("cannot open the registry: {e}")))?;
        let grace = Duration::from_secs(args.grace_minutes * 60);
        let report = store.collect_blob_garbage(grace, args.dry_run).await;
        store.close().await;
        let report = report
            .map_err(|e| CliError::unusable(format!("blob garbage collection stopped: {e}")))?;
        let verb = if report.dry_run { "would remove" } else { "removed" };
        for (digest, size) in &report.removed {
            outln!("{verb} sha256:{digest} ({size} bytes)");
        }
        outln!(
            "{} blobs ({} bytes), {} named by rows; {verb} {} unreferenced ({} bytes); kept {} stored within the last {} minutes",
            report.blobs,
            report.blob_bytes,
            report.referenced,
            report.removed.len(),
            report.removed_bytes,
            report.recent,
            args.grace_minutes
        );
        Ok(Exit::Success)
    })
}
