//! Signed notes and checkpoints: the Go reference implementation's published key and note
//! (`golang.org/x/mod/sumdb/note`, `note_test.go`: the "PeterNeumann" vectors) reproduced byte
//! for byte, manglings refused, and the strict checkpoint grammar of c2sp.org/tlog-checkpoint.

use dtsec_tlog::note::{self, Signer, Verifier};
use dtsec_tlog::{Checkpoint, Error, NoteError, leaf_hash};

const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

fn signed() -> String {
    format!("{TEXT}\n{SIG}")
}

#[test]
fn the_go_reference_note_is_reproduced_byte_for_byte() {
    let signer = Signer::from_skey(SKEY).expect("reference signer key parses");
    assert_eq!(signer.to_skey(), SKEY);
    assert_eq!(signer.verifier().to_vkey(), VKEY);
    let v = Verifier::from_vkey(VKEY).expect("reference verifier key parses");
    assert_eq!(v.key_id(), 0xc74f_20a3);
    assert_eq!(
        note::sign(TEXT, &[&signer]).as_deref(),
        Ok(signed().as_str())
    );
    let (n, names) = note::open(signed().as_bytes(), &[v]).expect("reference note verifies");
    assert_eq!(n.text, TEXT);
    assert_eq!(names, ["PeterNeumann"]);
}

#[test]
fn mangled_keys_are_refused() {
    let b = VKEY.as_bytes();
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] = m[i].wrapping_add(1);
        if let Ok(s) = std::str::from_utf8(&m) {
            assert!(Verifier::from_vkey(s).is_err(), "{s}");
        }
        // Every proper substring is refused too.
        for j in i + 1..=b.len() {
            if (i, j) != (0, b.len())
                && let Ok(s) = std::str::from_utf8(&b[i..j])
            {
                assert!(Verifier::from_vkey(s).is_err(), "{s}");
            }
        }
    }
    // The Go test's wrong-length key and unknown algorithm, each with an adjusted key hash.
    assert!(
        Verifier::from_vkey(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert!(
        Verifier::from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err()
    );
}

#[test]
fn altered_notes_and_unknown_keys() {
    let v = Verifier::from_vkey(VKEY).expect("vkey");
    let altered = signed().replace("cryptography", "cryptographY");
    assert!(matches!(
        note::open(altered.as_bytes(), std::slice::from_ref(&v)),
        Err(NoteError::InvalidSignature { .. })
    ));
    let other = Signer::new("PeterNeumann", &[1; 32])
        .expect("signer")
        .verifier();
    // Same name, different key id: the signature is ignored, so nothing verifies.
    assert!(matches!(
        note::open(signed().as_bytes(), &[other]),
        Err(NoteError::Unverified { .. })
    ));
    // Unknown signatures next to a good one are ignored.
    let extra = Signer::new("witness.example", &[2; 32]).expect("signer");
    let cosigned =
        note::sign(TEXT, &[&Signer::from_skey(SKEY).expect("skey"), &extra]).expect("sign");
    assert!(note::open(cosigned.as_bytes(), std::slice::from_ref(&v)).is_ok());
    for bad in [
        "",
        "text\n",
        "text\n\n",
        "text\n\n\u{2014} PeterNeumann\n",
        "text\n\n\u{2014} Peter Neumann AAAAAAA=\n",
        "text\n\n- PeterNeumann x08go/ZJk=\n",
        "text\n\n\u{2014} PeterNeumann AAAA\n",
        "text\r\n\n\u{2014} PeterNeumann x08go/ZJk=\n",
        "text\n\n\u{2014} PeterNeumann x08go/ZJk=",
    ] {
        assert!(note::parse(bad.as_bytes()).is_err(), "{bad:?}");
    }
    let many: String = std::iter::repeat_n("\u{2014} a AAAAAAA=\n", 101).collect();
    assert!(note::parse(format!("t\n\n{many}").as_bytes()).is_err());
}

#[test]
fn checkpoints_parse_strictly() {
    let root = leaf_hash(b"x").to_base64();
    let ok = format!("example.com/log\n42\n{root}\n");
    let c = Checkpoint::parse_text(&ok).expect("valid checkpoint");
    assert_eq!((c.origin.as_str(), c.size), ("example.com/log", 42));
    assert_eq!(c.to_text(), ok);
    let ext = format!("example.com/log\n0\n{root}\next one\n");
    assert_eq!(
        Checkpoint::parse_text(&ext).map(|c| c.extensions),
        Ok(vec!["ext one".to_string()])
    );
    for bad in [
        format!("example.com/log\n42\n{root}"),
        format!("\n42\n{root}\n"),
        format!("example.com/log\n042\n{root}\n"),
        format!("example.com/log\n-1\n{root}\n"),
        format!("example.com/log\n+1\n{root}\n"),
        format!("example.com/log\n18446744073709551616\n{root}\n"),
        format!("example.com/log\n42\n{root}\n\n"),
        "example.com/log\n42\nAAAA\n".to_string(),
        "example.com/log\n42\n".to_string(),
        format!("example.com/log\n 42\n{root}\n"),
    ] {
        assert!(Checkpoint::parse_text(&bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_checkpoint_is_accepted_only_from_its_own_log() {
    let signer = Signer::new("log.example/a", &[3; 32]).expect("signer");
    let c = Checkpoint {
        origin: "log.example/b".into(),
        size: 1,
        root: leaf_hash(b""),
        extensions: vec![],
    };
    let signed = c.sign(&signer).expect("sign");
    assert!(matches!(
        Checkpoint::open(signed.as_bytes(), &signer.verifier()),
        Err(Error::WrongLog { .. })
    ));
    let good = Checkpoint {
        origin: "log.example/a".into(),
        ..c
    };
    let signed = good.sign(&signer).expect("sign");
    assert_eq!(
        Checkpoint::open(signed.as_bytes(), &signer.verifier()).ok(),
        Some(good)
    );
}
