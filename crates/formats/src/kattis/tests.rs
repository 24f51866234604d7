//! The tests of a package: `.in`/`.ans` pairs under data/, links between groups followed (real
//! symlinks, and the text files git leaves where it cannot make them), each file read once.

use crate::{FormatError, PackageTest, read};
use sieve_domain::TestKind;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file a test path stands for: symlinks are followed, and so are the text files that git
/// writes in place of symlinks where it cannot make them (a file holding only a relative path
/// to an existing file with the same extension).
fn resolve_link(path: &Path) -> Result<PathBuf, FormatError> {
    let mut current = path.canonicalize().map_err(|source| FormatError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    for _ in 0..8 {
        let Ok(meta) = std::fs::metadata(&current) else {
            break;
        };
        if meta.len() > 1024 {
            break;
        }
        let text = read(&current)?;
        let Ok(target) = std::str::from_utf8(&text).map(str::trim) else {
            break;
        };
        let looks_like_link = !target.is_empty()
            && !target.contains(char::is_whitespace)
            && Path::new(target).extension() == current.extension();
        let next = current.parent().map(|d| d.join(target));
        match next.filter(|n| looks_like_link && n.is_file()) {
            Some(n) => {
                current = n.canonicalize().map_err(|source| FormatError::Io {
                    path: n.clone(),
                    source,
                })?
            }
            None => break,
        }
    }
    Ok(current)
}

#[derive(Default)]
pub(super) struct Builder {
    /// The tests added so far.
    pub tests: Vec<PackageTest>,
    by_file: HashMap<PathBuf, usize>,
}

impl Builder {
    pub fn add_plain(
        &mut self,
        root: &Path,
        sub: &str,
        kind: TestKind,
    ) -> Result<Vec<usize>, FormatError> {
        let d = root.join("data").join(sub);
        if d.is_dir() {
            self.add_dir(root, &d, kind)
        } else {
            Ok(vec![])
        }
    }

    /// Adds the `*.in` files of `dir`; a file reached through several links is one test.
    pub fn add_dir(
        &mut self,
        root: &Path,
        dir: &Path,
        kind: TestKind,
    ) -> Result<Vec<usize>, FormatError> {
        let mut ins: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| FormatError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "in"))
            .collect();
        ins.sort();
        let data = root
            .join("data")
            .canonicalize()
            .unwrap_or_else(|_| root.join("data"));
        let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut ids = Vec::new();
        for p in ins {
            let real = resolve_link(&p)?;
            if !real.starts_with(&inside) {
                return Err(FormatError::Invalid {
                    path: p,
                    message: "leads outside the package".into(),
                });
            }
            if let Some(&i) = self.by_file.get(&real) {
                ids.push(i);
                continue;
            }
            let ans = real.with_extension("ans");
            let name = real
                .strip_prefix(&data)
                .unwrap_or(&real)
                .with_extension("")
                .display()
                .to_string();
            let kind = if name.starts_with("sample/") {
                TestKind::Public
            } else {
                kind
            };
            self.tests.push(PackageTest {
                name,
                kind,
                input: read(&real)?,
                answer: if ans.exists() {
                    Some(read(&ans)?)
                } else {
                    None
                },
            });
            self.by_file.insert(real, self.tests.len() - 1);
            ids.push(self.tests.len() - 1);
        }
        Ok(ids)
    }
}
