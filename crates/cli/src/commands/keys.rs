//! `dtsec keys`: make and inspect the Ed25519 key pairs with which a lab seals its evaluation
//! reports and the scheme signs its certificates. The work is done by `dtsec_seal`; this file
//! parses the arguments and prints.

use std::path::PathBuf;

use dtsec_seal::{KeyFile, SigningKey, load_key_file, write_key_pair};

use crate::error::{CliResult, Exit};

/// Make and inspect the Ed25519 keys that seal evaluation reports and sign certificates.
#[derive(clap::Subcommand)]
pub enum KeysCommand {
    /// Make a new Ed25519 key pair: PREFIX.key (secret, mode 0600) and PREFIX.pub (public).
    New {
        /// Path prefix of the two files, e.g. `keys/acme-lab` for keys/acme-lab.key and .pub.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
        /// Replace existing key files (the old secret key is lost).
        #[arg(long)]
        force: bool,
    },
    /// Print the key id and algorithm of a .pub or .key file (never the secret).
    Show {
        /// The key file.
        #[arg(value_name = "FILE")]
        path: PathBuf,
    },
}

/// Runs a `dtsec keys` subcommand: done, or an unusable key file or prefix (exit status 2).
pub fn run(cmd: KeysCommand) -> CliResult {
    match cmd {
        KeysCommand::New { out, force } => new(out, force),
        KeysCommand::Show { path } => show(path),
    }
}

fn new(out: PathBuf, force: bool) -> CliResult {
    let key = SigningKey::generate();
    let (key_path, pub_path) = write_key_pair(&out, &key, force)?;
    outln!(
        "wrote {} (secret key, mode 0600: keep it private)",
        key_path.display()
    );
    outln!(
        "wrote {} (public key: give it to whoever verifies your seals)",
        pub_path.display()
    );
    outln!("key id: {}", key.verifying_key().key_id());
    Ok(Exit::Success)
}

fn show(path: PathBuf) -> CliResult {
    let file = load_key_file(&path)?;
    let kind = match file {
        KeyFile::Public(_) => "public key",
        KeyFile::Secret(_) => "secret key (the key id is of its public half)",
    };
    outln!("key id:    {}", file.verifying_key().key_id());
    outln!("algorithm: {}", dtsec_seal::ALGORITHM);
    outln!("kind:      {kind}");
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exit status `run` comes to, printed or not.
    fn status(cmd: KeysCommand) -> u8 {
        run(cmd).map_or_else(|e| e.exit().code(), Exit::code)
    }

    #[test]
    fn new_then_show_and_refuse_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("lab");
        assert_eq!(
            status(KeysCommand::New {
                out: prefix.clone(),
                force: false
            }),
            0
        );
        let secret = std::fs::read(dir.path().join("lab.key")).unwrap();
        assert_eq!(
            status(KeysCommand::Show {
                path: dir.path().join("lab.pub")
            }),
            0
        );
        assert_eq!(
            status(KeysCommand::Show {
                path: dir.path().join("lab.key")
            }),
            0
        );

        assert_eq!(
            status(KeysCommand::New {
                out: prefix.clone(),
                force: false
            }),
            2
        );
        assert_eq!(std::fs::read(dir.path().join("lab.key")).unwrap(), secret);

        assert_eq!(
            status(KeysCommand::New {
                out: prefix,
                force: true
            }),
            0
        );
        assert_ne!(std::fs::read(dir.path().join("lab.key")).unwrap(), secret);
    }

    #[test]
    fn show_of_a_bad_file_is_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pub");
        std::fs::write(&junk, "not a key").unwrap();
        assert_eq!(status(KeysCommand::Show { path: junk }), 2);
        assert_eq!(
            status(KeysCommand::Show {
                path: dir.path().join("missing.pub")
            }),
            2
        );
    }
}
