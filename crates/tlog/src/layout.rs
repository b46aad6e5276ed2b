//! Where things live in a tiled log: the path arithmetic of c2sp.org/tlog-tiles, kept apart
//! from any I/O so that it can be tested and reasoned about alone.
//!
//! - A tile at level `L`, index `N` holds up to 256 hashes, each the Merkle Tree Hash of
//!   `256^L` consecutive entries ("Merkle Tree" section): tile height 8.
//! - Paths are `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with `<N>` written in
//!   zero-padded 3-digit groups, all but the last prefixed with `x` (`1234067` →
//!   `x001/x234/067`), and `.p/<W>` only for a partial tile of width `1..=255`.
//! - The partial tile at level `L` of a tree of size `s` has `floor(s / 256^L) mod 256`
//!   hashes ("Partial Tiles"); empty tiles do not exist.

use crate::error::ParseError;

/// Levels of the Merkle tree that one tile spans (the spec's fixed tile height).
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile (`2^TILE_HEIGHT`).
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// The path of the checkpoint, relative to the log's prefix ("Checkpoints").
pub const CHECKPOINT_PATH: &str = "checkpoint";

/// Which kind of object a [`Tile`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// A tile of hashes at a level (0 = leaf hashes).
    Hashes {
        /// The tile level, 0 to 63.
        level: u8,
    },
    /// An entry bundle: the entries whose leaf hashes are the level-0 tile of the same index.
    Entries,
}

/// The coordinates of one tile or entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// Hash tile or entry bundle.
    pub kind: TileKind,
    /// Index within its level.
    pub index: u64,
    /// Hashes (or entries) it holds: 256 for a full tile, `1..=255` for a partial one.
    pub width: u16,
}

impl Tile {
    /// A hash tile.
    #[must_use]
    pub fn hashes(level: u8, index: u64, width: u16) -> Self {
        Self {
            kind: TileKind::Hashes { level },
            index,
            width,
        }
    }

    /// An entry bundle.
    #[must_use]
    pub fn entries(index: u64, width: u16) -> Self {
        Self {
            kind: TileKind::Entries,
            index,
            width,
        }
    }

    /// Whether it holds fewer than 256 hashes.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        u64::from(self.width) < TILE_WIDTH
    }

    /// The path relative to the log's prefix.
    #[must_use]
    pub fn path(&self) -> String {
        let mut out = String::from("tile/");
        match self.kind {
            TileKind::Hashes { level } => out.push_str(&level.to_string()),
            TileKind::Entries => out.push_str("entries"),
        }
        out.push('/');
        out.push_str(&encode_index(self.index));
        if self.is_partial() {
            out.push_str(".p/");
            out.push_str(&self.width.to_string());
        }
        out
    }

    /// Reads a tile or entry-bundle path.
    ///
    /// # Errors
    /// [`ParseError::TilePath`] if the path breaks any rule of the spec (leading zeroes, a
    /// missing `x`, a width of 0 or 256, a level above 63, ...).
    pub fn parse_path(path: &str) -> Result<Self, ParseError> {
        let bad = |reason| ParseError::TilePath {
            path: path.chars().take(200).collect(),
            reason,
        };
        let rest = path
            .strip_prefix("tile/")
            .ok_or_else(|| bad("not under tile/"))?;
        let (first, rest) = rest.split_once('/').ok_or_else(|| bad("no index"))?;
        let kind = if first == "entries" {
            TileKind::Entries
        } else {
            let level = parse_decimal(first).ok_or_else(|| bad("level is not a decimal"))?;
            if level > 63 {
                return Err(bad("level above 63"));
            }
            TileKind::Hashes { level: level as u8 }
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index_part, w)) => {
                let w = parse_decimal(w).ok_or_else(|| bad("width is not a decimal"))?;
                if !(1..TILE_WIDTH).contains(&w) {
                    return Err(bad("partial width outside 1..=255"));
                }
                (index_part, w as u16)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let index = decode_index(index_part).ok_or_else(|| bad("malformed index"))?;
        Ok(Self { kind, index, width })
    }
}

/// A decimal with no leading zeroes (except `0` itself) that fits in a `u64`.
fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// `1234067` → `x001/x234/067`.
fn encode_index(index: u64) -> String {
    let mut groups = Vec::new();
    let mut n = index;
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut out = String::new();
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            out.push_str(&format!("x{g:03}/"));
        } else {
            out.push_str(&format!("{g:03}"));
        }
    }
    out
}

/// `x001/x234/067` → `1234067`; the encoding is canonical, so `x000/001` is refused.
fn decode_index(s: &str) -> Option<u64> {
    let groups: Vec<&str> = s.split('/').collect();
    let mut n: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let digits = if i + 1 < groups.len() {
            g.strip_prefix('x')?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u64 = digits.parse().ok()?;
        n = n.checked_mul(1000)?.checked_add(v)?;
    }
    if encode_index(n) != s {
        return None;
    }
    Some(n)
}

/// Hashes at tile level `level` for a tree of `size` entries: `floor(size / 256^level)`.
#[must_use]
pub fn hashes_at_level(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * u32::from(TILE_HEIGHT);
    size.checked_shr(shift).unwrap_or(0)
}

/// The tile at `level` that holds hash number `position` of that level, as it exists in a tree
/// of `size` entries (full, or partial if it is the rightmost one), or `None` if the tree does
/// not contain that hash.
#[must_use]
pub fn tile_for(level: u8, position: u64, size: u64) -> Option<Tile> {
    let count = hashes_at_level(size, level);
    if position >= count {
        return None;
    }
    let index = position / TILE_WIDTH;
    let width = (count - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
    Some(Tile::hashes(level, index, width))
}

/// Every hash tile of a tree of `size` entries, level by level, full tiles then the partial one.
#[must_use]
pub fn tiles(size: u64) -> Vec<Tile> {
    new_tiles(0, size)
}

/// Every entry bundle of a tree of `size` entries.
#[must_use]
pub fn bundles(size: u64) -> Vec<Tile> {
    new_bundles(0, size)
}

/// The hash tiles a tree of `new` entries has that a tree of `old` entries lacks: what a writer
/// must store when the log grows. Tiles common to both are unchanged (tiles are immutable).
#[must_use]
pub fn new_tiles(old: u64, new: u64) -> Vec<Tile> {
    let mut out = Vec::new();
    if new <= old {
        return out;
    }
    for level in 0..64u8 {
        let (old_count, new_count) = (hashes_at_level(old, level), hashes_at_level(new, level));
        if new_count == 0 {
            break;
        }
        if new_count == old_count {
            continue;
        }
        for index in old_count / TILE_WIDTH..new_count.div_ceil(TILE_WIDTH) {
            let width = (new_count - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
            out.push(Tile::hashes(level, index, width));
        }
    }
    out
}

/// The entry bundles a tree of `new` entries has that a tree of `old` entries lacks.
#[must_use]
pub fn new_bundles(old: u64, new: u64) -> Vec<Tile> {
    new_tiles(old, new)
        .into_iter()
        .filter(|t| t.kind == TileKind::Hashes { level: 0 })
        .map(|t| Tile::entries(t.index, t.width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_spec_examples() {
        assert_eq!(
            Tile::hashes(0, 1_234_067, 256).path(),
            "tile/0/x001/x234/067"
        );
        assert_eq!(Tile::hashes(3, 0, 1).path(), "tile/3/000.p/1");
        assert_eq!(Tile::entries(1000, 17).path(), "tile/entries/x001/000.p/17");
        for p in [
            "tile/0/x001/x234/067",
            "tile/63/000.p/255",
            "tile/entries/x001/000",
        ] {
            assert_eq!(Tile::parse_path(p).map(|t| t.path()).as_deref(), Ok(p));
        }
        for bad in [
            "tile/0/1",
            "tile/00/000",
            "tile/64/000",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/07",
            "tile/0/x000/001",
            "tile/0/001/x002",
            "tile/0/x1234/000",
            "tile/0/x999/x999/x999/x999/x999/x999/x999/000",
            "tiles/0/000",
            "tile/0/000/",
            "tile/entries/",
            "tile/-1/000",
        ] {
            assert!(Tile::parse_path(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn the_spec_example_of_a_tree_of_70000_entries() {
        // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1
        // tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1."
        let t = tiles(70_000);
        let count = |level, full: bool| {
            t.iter()
                .filter(|x| x.kind == TileKind::Hashes { level } && x.is_partial() != full)
                .count()
        };
        assert_eq!(count(0, true), 273);
        assert_eq!(count(1, true), 1);
        let partial: Vec<String> = t
            .iter()
            .filter(|x| x.is_partial())
            .map(Tile::path)
            .collect();
        assert_eq!(
            partial,
            ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]
        );
        // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
        // tile of width 1."
        let paths: Vec<String> = tiles(256).iter().map(Tile::path).collect();
        assert_eq!(paths, ["tile/0/000", "tile/1/000.p/1"]);
        assert!(tiles(0).is_empty());
    }

    #[test]
    fn growing_writes_only_changed_tiles() {
        let paths = |v: Vec<Tile>| v.iter().map(Tile::path).collect::<Vec<_>>();
        assert_eq!(paths(new_tiles(300, 310)), ["tile/0/001.p/54"]);
        assert_eq!(
            paths(new_tiles(250, 520)),
            [
                "tile/0/000",
                "tile/0/001",
                "tile/0/002.p/8",
                "tile/1/000.p/2"
            ]
        );
        assert_eq!(
            paths(new_bundles(250, 260)),
            ["tile/entries/000", "tile/entries/001.p/4"]
        );
        assert_eq!(tile_for(0, 300, 310), Some(Tile::hashes(0, 1, 54)));
        assert_eq!(tile_for(1, 1, 310), None);
    }
}
