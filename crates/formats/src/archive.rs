//! Uploaded packages: a tar (plain or gzipped) or zip archive unpacked into a scratch directory,
//! refusing what could reach outside it. Symbolic links (Kattis packages share tests through
//! them) are written as the small text files git leaves in their place, which the Kattis reader
//! follows only within the package.

use crate::FormatError;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

fn invalid(message: impl Into<String>) -> FormatError {
    FormatError::Invalid {
        path: PathBuf::from("<upload>"),
        message: message.into(),
    }
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

/// Unpacks `bytes` (tar, tar.gz or zip, told apart by their first bytes) into `dest`, writing at
/// most `max_bytes` in all. Returns the package's root: `dest`, or its only directory when the
/// archive holds one folder. Entries that are neither files, folders nor links are skipped and
/// reported in the returned warnings.
pub fn unpack(
    bytes: &[u8],
    dest: &Path,
    max_bytes: u64,
) -> Result<(PathBuf, Vec<String>), FormatError> {
    let mut budget = Budget(max_bytes);
    let mut warnings = Vec::new();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        unzip(bytes, dest, &mut budget, &mut warnings)?;
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        untar(
            flate2::read::GzDecoder::new(bytes),
            dest,
            &mut budget,
            &mut warnings,
        )?;
    } else if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        untar(bytes, dest, &mut budget, &mut warnings)?;
    } else {
        return Err(invalid("not a tar, tar.gz or zip archive"));
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dest)
        .map_err(|e| io(dest, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let root = match entries.as_slice() {
        [only] if only.is_dir() => only.clone(),
        _ => dest.to_path_buf(),
    };
    Ok((root, warnings))
}

struct Budget(u64);

impl Budget {
    fn write(&mut self, path: &Path, mut from: impl Read) -> Result<(), FormatError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut file = std::fs::File::create(path).map_err(|e| io(path, e))?;
        // One byte more than the budget tells an archive that is too large from one that fits.
        let n =
            std::io::copy(&mut (&mut from).take(self.0 + 1), &mut file).map_err(|e| io(path, e))?;
        if n > self.0 {
            return Err(invalid(
                "the archive unpacks to more than the upload limit allows",
            ));
        }
        self.0 -= n;
        Ok(())
    }
}

fn link_stub(
    dest: &Path,
    rel: &Path,
    target: &Path,
    budget: &mut Budget,
) -> Result<bool, FormatError> {
    // The target is relative to the link's folder; it must stay inside the package.
    let joined = rel.parent().unwrap_or(Path::new("")).join(target);
    let mut depth: Vec<&std::ffi::OsStr> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(s) => depth.push(s),
            Component::CurDir => {}
            Component::ParentDir if depth.pop().is_some() => {}
            _ => return Ok(false),
        }
    }
    let text = target.to_string_lossy().into_owned();
    budget.write(&dest.join(rel), text.as_bytes())?;
    Ok(true)
}

fn untar(
    reader: impl Read,
    dest: &Path,
    budget: &mut Budget,
    warnings: &mut Vec<String>,
) -> Result<(), FormatError> {
    let mut archive = tar::Archive::new(reader);
    for entry in archive
        .entries()
        .map_err(|e| invalid(format!("reading the tar: {e}")))?
    {
        let entry = entry.map_err(|e| invalid(format!("reading the tar: {e}")))?;
        let raw = entry
            .path()
            .map_err(|e| invalid(format!("reading the tar: {e}")))?
            .into_owned();
        let Some(rel) = safe_relative(&raw) else {
            warnings.push(format!(
                "skipped {}: absolute or outside the package",
                raw.display()
            ));
            continue;
        };
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            let d = dest.join(&rel);
            std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
        } else if kind.is_file() {
            budget.write(&dest.join(&rel), entry)?;
        } else if kind.is_symlink() {
            let target = entry
                .link_name()
                .map_err(|e| invalid(format!("reading the tar: {e}")))?
                .map(|t| t.into_owned());
            let ok = match target {
                Some(t) if t.is_relative() => link_stub(dest, &rel, &t, budget)?,
                _ => false,
            };
            if !ok {
                warnings.push(format!(
                    "skipped link {}: it leads outside the package",
                    rel.display()
                ));
            }
        } else {
            warnings.push(format!(
                "skipped {}: not a file, folder or symbolic link",
                rel.display()
            ));
        }
    }
    Ok(())
}

fn unzip(
    bytes: &[u8],
    dest: &Path,
    budget: &mut Budget,
    warnings: &mut Vec<String>,
) -> Result<(), FormatError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| invalid(format!("reading the zip: {e}")))?;
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| invalid(format!("reading the zip: {e}")))?;
        let Some(rel) = file.enclosed_name().and_then(|p| safe_relative(&p)) else {
            warnings.push(format!(
                "skipped {}: absolute or outside the package",
                file.name().unwrap_or_default()
            ));
            continue;
        };
        if file.is_dir() {
            let d = dest.join(&rel);
            std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
        } else if file.is_symlink() {
            let mut target = String::new();
            (&mut file)
                .take(4096)
                .read_to_string(&mut target)
                .map_err(|e| io(&rel, e))?;
            if !link_stub(dest, &rel, Path::new(&target), budget)? {
                warnings.push(format!(
                    "skipped link {}: it leads outside the package",
                    rel.display()
                ));
            }
        } else {
            budget.write(&dest.join(&rel), file)?;
        }
    }
    Ok(())
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
        let (root, warnings) = unpack(&bytes, dir.path(), 1 << 20).unwrap();
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
        let err = unpack(&bytes, dir.path(), 4096).unwrap_err();
        assert!(err.to_string().contains("upload limit"), "{err}");
        let err = unpack(b"hello", dir.path(), 4096).unwrap_err();
        assert!(err.to_string().contains("not a tar"), "{err}");
    }

    #[test]
    fn zip_entries_are_unpacked() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("problem.yaml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"name: x\n").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let dir = tempfile::tempdir().unwrap();
        let (root, warnings) = unpack(&bytes, dir.path(), 1 << 20).unwrap();
        assert_eq!(root, dir.path());
        assert!(warnings.is_empty());
        assert_eq!(
            std::fs::read(root.join("problem.yaml")).unwrap(),
            b"name: x\n"
        );
    }
}
