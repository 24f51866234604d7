//! Uploaded packages: a tar (plain or gzipped) or zip archive unpacked into a scratch directory,
//! refusing what could reach outside it. Symbolic links (Kattis packages share tests through
//! them) are written as the small text files git leaves in their place, which the Kattis reader
//! follows only within the package.
//!
//! An archive is untrusted: a megabyte of zip can hold a gigabyte of zeros. Every limit of
//! [`ArchiveLimits`] is checked while a member is decompressed, a chunk at a time, on the bytes
//! actually read (never on the sizes the headers claim), so refusing a bomb costs at most the
//! budget in disk and a buffer in memory. Tar's long-name extensions are read by this module,
//! size-checked first, because the tar crate would read them whole into memory.

use crate::FormatError;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Longest name of one path component in an archive, in bytes (as most file systems allow).
pub const MAX_COMPONENT_BYTES: usize = 255;
/// Longest path in an archive, in bytes (Linux's `PATH_MAX`).
pub const MAX_PATH_BYTES: usize = 4096;
/// Largest PAX extension header read (it holds a path and a few numbers).
const MAX_PAX_BYTES: u64 = 64 << 10;
/// How much is decompressed between two checks of the limits.
const CHUNK: usize = 64 << 10;

/// How much an uploaded archive may unpack to. The defaults fit real contest packages: IOI
/// packages hold a few hundred MB of tests, a thousand-odd files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Bytes written in all (files and link stubs). Default 1 GiB.
    pub max_total_bytes: u64,
    /// Bytes of any one file. Default 256 MiB.
    pub max_file_bytes: u64,
    /// Entries of any kind (files, folders, links, skipped ones). Default 100,000.
    pub max_entries: usize,
    /// Most bytes unpacked per byte of archive, checked once more than `ratio_floor_bytes` have
    /// been unpacked; `None` turns the guard off. Default 200.
    pub max_ratio: Option<u64>,
    /// Bytes any archive may unpack to whatever its ratio. Default 64 MiB.
    pub ratio_floor_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_total_bytes: 1 << 30,
            max_file_bytes: 256 << 20,
            max_entries: 100_000,
            // Deflate reaches about 1000:1 on zeros; test data in text rarely passes 20:1 over
            // a whole package, and a package of a few repetitive tests stays under the floor.
            max_ratio: Some(200),
            ratio_floor_bytes: 64 << 20,
        }
    }
}

/// What is wrong with an entry's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// It holds NUL or another control character.
    #[error("it holds the control character U+{code:04X}")]
    Control {
        /// The character.
        code: u32,
    },
    /// One of its components is too long.
    #[error("a component of {len} bytes (at most {max})")]
    ComponentTooLong {
        /// The component's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The whole path is too long.
    #[error("a path of {len} bytes (at most {max})")]
    PathTooLong {
        /// The path's length in bytes.
        len: u64,
        /// The limit.
        max: usize,
    },
}

/// Why an uploaded archive was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The bytes are none of the archive formats read.
    #[error("not a tar, tar.gz or zip archive")]
    NotAnArchive,
    /// The archive is damaged (or its compressed data is).
    #[error("the archive cannot be read: {0}")]
    Corrupt(String),
    /// More entries than [`ArchiveLimits::max_entries`].
    #[error("the archive holds more than {limit} entries")]
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A file larger than [`ArchiveLimits::max_file_bytes`].
    #[error("{entry}: unpacks to more than {limit} bytes, the limit for one file")]
    FileTooLarge {
        /// The entry's name (shortened).
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// More than [`ArchiveLimits::max_total_bytes`] in all.
    #[error("the archive unpacks to more than {limit} bytes in all (reached at {entry})")]
    TotalTooLarge {
        /// The entry being unpacked when the limit was reached (shortened).
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// More than [`ArchiveLimits::max_ratio`] times the archive's size.
    #[error(
        "the archive unpacks to more than {limit} times its own size (reached at {entry}): \
         refused as a compression bomb"
    )]
    RatioTooHigh {
        /// The entry being unpacked when the limit was reached (shortened).
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// An entry's name is not acceptable.
    #[error("entry {entry}: {problem}")]
    BadName {
        /// The entry's name (shortened, control characters escaped).
        entry: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// The archive holds no file at all.
    #[error("the archive holds no file")]
    Empty,
}

impl ArchiveError {
    /// Whether a size or count limit was exceeded (HTTP 413), rather than the archive being
    /// unreadable or its content unacceptable (422).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            ArchiveError::TooManyEntries { .. }
                | ArchiveError::FileTooLarge { .. }
                | ArchiveError::TotalTooLarge { .. }
                | ArchiveError::RatioTooHigh { .. }
        )
    }
}

/// An entry's name fit for a message: lossy UTF-8, control characters escaped, at most about
/// 120 characters (names can be megabytes long).
fn shown(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let mut out: String = s.chars().take(120).flat_map(char::escape_debug).collect();
    if s.chars().nth(120).is_some() {
        out.push('…');
    }
    out
}

/// Refuses names with control characters or over-long components or paths.
fn check_name(raw: &[u8]) -> Result<(), ArchiveError> {
    let bad = |problem| ArchiveError::BadName {
        entry: shown(raw),
        problem,
    };
    if raw.len() > MAX_PATH_BYTES {
        return Err(bad(NameProblem::PathTooLong {
            len: raw.len() as u64,
            max: MAX_PATH_BYTES,
        }));
    }
    if let Some(c) = String::from_utf8_lossy(raw)
        .chars()
        .find(|c| c.is_control())
    {
        return Err(bad(NameProblem::Control { code: c as u32 }));
    }
    if let Some(long) = raw
        .split(|b| *b == b'/' || *b == b'\\')
        .find(|c| c.len() > MAX_COMPONENT_BYTES)
    {
        return Err(bad(NameProblem::ComponentTooLong {
            len: long.len(),
            max: MAX_COMPONENT_BYTES,
        }));
    }
    Ok(())
}

fn corrupt(what: impl std::fmt::Display) -> FormatError {
    ArchiveError::Corrupt(what.to_string()).into()
}

fn io(path: &Path, source: std::io::Error) -> FormatError {
    FormatError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A relative path made only of normal components, or `None`.
fn safe_relative(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Unpacks `bytes` (tar, tar.gz or zip, told apart by their first bytes) into `dest` within
/// `limits`. Returns the package's root: `dest`, or its only directory when the archive holds
/// one folder. Entries that are neither files, folders nor links, and entries or links leading
/// outside `dest`, are skipped and reported in the returned warnings. An archive without a
/// single file, an entry whose name holds a control character or is too long, and an archive
/// past a limit are refused with an [`ArchiveError`]; what was written before a refusal is left
/// in `dest` for the caller to remove.
pub fn unpack(
    bytes: &[u8],
    dest: &Path,
    limits: ArchiveLimits,
) -> Result<(PathBuf, Vec<String>), FormatError> {
    let mut u = Unpacker {
        dest,
        limits,
        packed: bytes.len() as u64,
        total: 0,
        entries: 0,
        files: 0,
        warnings: Vec::new(),
    };
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        u.unzip(bytes)?;
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        u.untar(flate2::read::GzDecoder::new(bytes))?;
    } else if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        u.untar(bytes)?;
    } else {
        return Err(ArchiveError::NotAnArchive.into());
    }
    if u.files == 0 {
        return Err(ArchiveError::Empty.into());
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dest)
        .map_err(|e| io(dest, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let root = match entries.as_slice() {
        [only] if only.is_dir() => only.clone(),
        _ => dest.to_path_buf(),
    };
    Ok((root, u.warnings))
}

struct Unpacker<'a> {
    dest: &'a Path,
    limits: ArchiveLimits,
    /// The archive's size, for the ratio guard.
    packed: u64,
    /// Bytes written so far.
    total: u64,
    /// Entries seen so far.
    entries: usize,
    /// Files and link stubs written.
    files: usize,
    warnings: Vec<String>,
}

impl Unpacker<'_> {
    fn count_entry(&mut self) -> Result<(), ArchiveError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: self.limits.max_entries,
            });
        }
        Ok(())
    }

    /// Refuses, before decompressing anything, a file whose header claims a size past a limit
    /// (an honest bomb); a lying header is caught by [`Self::write`].
    fn check_claimed(&self, name: &[u8], size: u64) -> Result<(), ArchiveError> {
        if size > self.limits.max_file_bytes {
            return Err(ArchiveError::FileTooLarge {
                entry: shown(name),
                limit: self.limits.max_file_bytes,
            });
        }
        if self.total.saturating_add(size) > self.limits.max_total_bytes {
            return Err(ArchiveError::TotalTooLarge {
                entry: shown(name),
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(())
    }

    /// Copies `from` to `rel` under the destination a chunk at a time, checking every limit
    /// before each chunk is written.
    fn write(&mut self, rel: &Path, name: &[u8], from: impl Read) -> Result<(), FormatError> {
        let l = self.limits;
        let path = self.dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut file = std::fs::File::create(&path).map_err(|e| io(&path, e))?;
        // One byte more than the room left tells a member that is too large from one that
        // fits, whatever its header says, and the decompressor is never asked for more.
        let room = l
            .max_file_bytes
            .min(l.max_total_bytes.saturating_sub(self.total));
        let mut from = from.take(room.saturating_add(1));
        let mut buf = vec![0u8; CHUNK];
        let mut n: u64 = 0;
        loop {
            let k = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(corrupt(format_args!("{}: {e}", shown(name)))),
            };
            n += k as u64;
            let total = self.total + n;
            if n > l.max_file_bytes {
                return Err(ArchiveError::FileTooLarge {
                    entry: shown(name),
                    limit: l.max_file_bytes,
                }
                .into());
            }
            if total > l.max_total_bytes {
                return Err(ArchiveError::TotalTooLarge {
                    entry: shown(name),
                    limit: l.max_total_bytes,
                }
                .into());
            }
            if let Some(ratio) = l.max_ratio
                && total > l.ratio_floor_bytes
                && total > ratio.saturating_mul(self.packed)
            {
                return Err(ArchiveError::RatioTooHigh {
                    entry: shown(name),
                    limit: ratio,
                }
                .into());
            }
            file.write_all(&buf[..k]).map_err(|e| io(&path, e))?;
        }
        self.total += n;
        self.files += 1;
        Ok(())
    }

    /// Writes a link as a stub holding its target, when the target stays inside the package.
    fn link_stub(&mut self, rel: &Path, name: &[u8], target: &Path) -> Result<(), FormatError> {
        // The target is relative to the link's folder; it must stay inside the package.
        let joined = rel.parent().unwrap_or(Path::new("")).join(target);
        let mut depth: Vec<&std::ffi::OsStr> = Vec::new();
        let inside = !target.as_os_str().is_empty()
            && target.is_relative()
            && joined.components().all(|c| match c {
                Component::Normal(s) => {
                    depth.push(s);
                    true
                }
                Component::CurDir => true,
                Component::ParentDir => depth.pop().is_some(),
                _ => false,
            });
        if !inside {
            self.warnings.push(format!(
                "skipped link {}: it leads outside the package",
                rel.display()
            ));
            return Ok(());
        }
        let text = target.to_string_lossy().into_owned();
        self.write(rel, name, text.as_bytes())
    }

    fn untar(&mut self, reader: impl Read) -> Result<(), FormatError> {
        let mut archive = tar::Archive::new(reader);
        // Raw entries: GNU long names and PAX headers come as entries of their own, read here
        // within limits (the crate would read them whole, whatever their size).
        let entries = archive.entries().map_err(corrupt)?.raw(true);
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        for entry in entries {
            let mut entry = entry.map_err(corrupt)?;
            self.count_entry()?;
            let kind = entry.header().entry_type();
            let size = entry.size();
            if kind.is_gnu_longname() || kind.is_gnu_longlink() {
                if size > MAX_PATH_BYTES as u64 + 1 {
                    return Err(ArchiveError::BadName {
                        entry: shown(&entry.path_bytes()),
                        problem: NameProblem::PathTooLong {
                            len: size,
                            max: MAX_PATH_BYTES,
                        },
                    }
                    .into());
                }
                let mut v = Vec::with_capacity(size as usize);
                entry.read_to_end(&mut v).map_err(corrupt)?;
                // The name is NUL-terminated.
                while v.last() == Some(&0) {
                    v.pop();
                }
                if kind.is_gnu_longname() {
                    long_name = Some(v);
                } else {
                    long_link = Some(v);
                }
                continue;
            }
            if kind.is_pax_local_extensions() || kind.is_pax_global_extensions() {
                if size > MAX_PAX_BYTES {
                    return Err(corrupt(format_args!(
                        "a PAX header of {size} bytes (at most {MAX_PAX_BYTES})"
                    )));
                }
                let mut v = Vec::with_capacity(size as usize);
                entry.read_to_end(&mut v).map_err(corrupt)?;
                if kind.is_pax_local_extensions() {
                    for ext in tar::PaxExtensions::new(&v) {
                        let ext = ext.map_err(corrupt)?;
                        match ext.key_bytes() {
                            b"path" => long_name = Some(ext.value_bytes().to_vec()),
                            b"linkpath" => long_link = Some(ext.value_bytes().to_vec()),
                            _ => {}
                        }
                    }
                }
                continue;
            }
            let name = long_name
                .take()
                .unwrap_or_else(|| entry.path_bytes().into_owned());
            let link = long_link
                .take()
                .or_else(|| entry.link_name_bytes().map(|l| l.into_owned()));
            check_name(&name)?;
            let raw = PathBuf::from(String::from_utf8_lossy(&name).into_owned());
            let Some(rel) = safe_relative(&raw) else {
                self.warnings.push(format!(
                    "skipped {}: absolute or outside the package",
                    shown(&name)
                ));
                continue;
            };
            if kind.is_dir() {
                let d = self.dest.join(&rel);
                std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
            } else if kind.is_file() {
                self.check_claimed(&name, size)?;
                self.write(&rel, &name, &mut entry)?;
            } else if kind.is_symlink() {
                let target = link.unwrap_or_default();
                check_name(&target)?;
                let target = PathBuf::from(String::from_utf8_lossy(&target).into_owned());
                self.link_stub(&rel, &name, &target)?;
            } else {
                self.warnings.push(format!(
                    "skipped {}: not a file, folder or symbolic link",
                    rel.display()
                ));
            }
        }
        Ok(())
    }

    fn unzip(&mut self, bytes: &[u8]) -> Result<(), FormatError> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(corrupt)?;
        if archive.len() > self.limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: self.limits.max_entries,
            }
            .into());
        }
        for i in 0..archive.len() {
            self.count_entry()?;
            let mut file = archive.by_index(i).map_err(corrupt)?;
            let name = file.name_raw().to_vec();
            check_name(&name)?;
            let Some(rel) = file.enclosed_name().and_then(|p| safe_relative(&p)) else {
                self.warnings.push(format!(
                    "skipped {}: absolute or outside the package",
                    shown(&name)
                ));
                continue;
            };
            if file.is_dir() {
                let d = self.dest.join(&rel);
                std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
            } else if file.is_symlink() {
                let mut target = Vec::new();
                (&mut file)
                    .take(MAX_PATH_BYTES as u64 + 1)
                    .read_to_end(&mut target)
                    .map_err(|e| corrupt(format_args!("{}: {e}", shown(&name))))?;
                check_name(&target)?;
                let target = PathBuf::from(String::from_utf8_lossy(&target).into_owned());
                self.link_stub(&rel, &name, &target)?;
            } else {
                self.check_claimed(&name, file.size())?;
                self.write(&rel, &name, file)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_with(entries: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, link, data) in entries {
            let mut h = tar::Header::new_gnu();
            match link {
                Some(target) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    h.set_size(0);
                    b.append_link(&mut h, name, target).unwrap();
                }
                None => {
                    h.set_size(data.len() as u64);
                    h.set_mode(0o644);
                    b.append_data(&mut h, name, *data).unwrap();
                }
            }
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn tar_links_inside_become_stubs_and_outside_links_are_refused() {
        let bytes = tar_with(&[
            ("p/data/secret/a.in", None, b"1 2\n"),
            ("p/data/secret/g1/a.in", Some("../a.in"), b""),
            ("p/data/secret/evil.in", Some("../../../../etc/passwd"), b""),
            ("p/data/secret/abs.in", Some("/etc/passwd"), b""),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let (root, warnings) = unpack(&bytes, dir.path(), ArchiveLimits::default()).unwrap();
        assert_eq!(root, dir.path().join("p"));
        let stub = std::fs::read_to_string(root.join("data/secret/g1/a.in")).unwrap();
        assert_eq!(stub, "../a.in");
        assert!(!root.join("data/secret/evil.in").exists());
        assert!(!root.join("data/secret/abs.in").exists());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn archives_past_the_budget_and_non_archives_are_refused() {
        let bytes = tar_with(&[("big.in", None, &[b'x'; 5000])]);
        let dir = tempfile::tempdir().unwrap();
        let limits = ArchiveLimits {
            max_total_bytes: 4096,
            ..ArchiveLimits::default()
        };
        let err = unpack(&bytes, dir.path(), limits).unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Archive(ArchiveError::TotalTooLarge { ref entry, limit: 4096 })
                    if entry == "big.in"
            ),
            "{err}"
        );
        let err = unpack(b"hello", dir.path(), limits).unwrap_err();
        assert!(
            matches!(err, FormatError::Archive(ArchiveError::NotAnArchive)),
            "{err}"
        );
    }

    #[test]
    fn zip_entries_are_unpacked() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("problem.yaml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"name: x\n").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let dir = tempfile::tempdir().unwrap();
        let (root, warnings) = unpack(&bytes, dir.path(), ArchiveLimits::default()).unwrap();
        assert_eq!(root, dir.path());
        assert!(warnings.is_empty());
        assert_eq!(
            std::fs::read(root.join("problem.yaml")).unwrap(),
            b"name: x\n"
        );
    }
}
