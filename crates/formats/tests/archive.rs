//! Uploaded archives as an attacker writes them: compression bombs (honest and lying headers),
//! too many entries, names with control characters or too long, empty archives, and paths out
//! of the package. Every archive is built here, in memory.

use sieve_formats::{ArchiveError, ArchiveLimits, FormatError, NameProblem, unpack};
use std::io::Write;
use std::path::Path;

const MIB: u64 = 1 << 20;

fn zip_of(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        // Raw names, so that a test can put any byte in them.
        let name = String::from_utf8(name.to_vec()).unwrap();
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A zip holding one file `zeros.in` of `len` zeros, written without ever holding them.
fn zip_of_zeros(len: u64) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    w.start_file("zeros.in", opts).unwrap();
    std::io::copy(&mut std::io::Read::take(std::io::repeat(0), len), &mut w).unwrap();
    w.finish().unwrap().into_inner()
}

/// Rewrites every size a zip claims for its members' uncompressed data (local headers and the
/// central directory) to `claimed`.
fn lie_about_sizes(zip: &mut [u8], claimed: u32) {
    let mut i = 0;
    let mut patched = 0;
    while i + 4 <= zip.len() {
        let at = match &zip[i..i + 4] {
            b"PK\x03\x04" => Some(i + 22),
            b"PK\x01\x02" => Some(i + 24),
            _ => None,
        };
        if let Some(at) = at {
            zip[at..at + 4].copy_from_slice(&claimed.to_le_bytes());
            patched += 1;
        }
        i += 1;
    }
    assert!(patched >= 2, "no zip headers found");
}

/// A gzipped tar of `(name, data)` files.
fn tar_gz_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// Bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let m = e.metadata().unwrap();
        n += if m.is_dir() {
            bytes_under(&e.path())
        } else {
            m.len()
        };
    }
    n
}

fn small(max_file_bytes: u64, max_total_bytes: u64) -> ArchiveLimits {
    ArchiveLimits {
        max_file_bytes,
        max_total_bytes,
        ..ArchiveLimits::default()
    }
}

fn archive_error(r: Result<(std::path::PathBuf, Vec<String>), FormatError>) -> ArchiveError {
    match r {
        Err(FormatError::Archive(e)) => e,
        Err(e) => panic!("not an archive error: {e}"),
        Ok((_, warnings)) => panic!("accepted, with warnings {warnings:?}"),
    }
}

/// The process's peak resident memory in bytes, after resetting it when the kernel allows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb << 10)
}

#[test]
fn a_zip_bomb_is_refused_by_the_per_file_budget() {
    let bomb = zip_of_zeros(16 * MIB);
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&bomb, dir.path(), small(MIB, 1 << 30)));
    assert!(
        matches!(&err, ArchiveError::FileTooLarge { entry, limit } if entry == "zeros.in" && *limit == MIB),
        "{err}"
    );
    assert!(err.is_too_large());
    assert!(bytes_under(dir.path()) <= MIB);
}

#[test]
fn a_zip_whose_headers_lie_about_sizes_is_refused_while_unpacking() {
    let mut bomb = zip_of_zeros(128 * MIB);
    lie_about_sizes(&mut bomb, 100);
    let dir = tempfile::tempdir().unwrap();
    reset_peak_rss();
    let before = peak_rss();
    let err = archive_error(unpack(&bomb, dir.path(), small(MIB, 1 << 30)));
    // Either the decompressed bytes overran the budget, or the zip reader caught the lie past
    // the claimed size (it does): in both cases nothing past the budget was written.
    assert!(
        matches!(&err, ArchiveError::FileTooLarge { entry, .. } if entry == "zeros.in")
            || matches!(&err, ArchiveError::Corrupt(_)),
        "{err}"
    );
    assert!(bytes_under(dir.path()) <= MIB);
    // 128 MiB held in memory would show; a budget's worth of buffers does not.
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        assert!(
            after.saturating_sub(before) < 32 * MIB,
            "peak memory grew by {} bytes",
            after - before
        );
    }
}

#[test]
fn a_tar_gz_bomb_is_refused_by_the_total_budget() {
    let zeros = vec![0u8; 600 << 10];
    let bomb = tar_gz_of(&[
        ("p/data/secret/1.in", &zeros),
        ("p/data/secret/2.in", &zeros),
        ("p/data/secret/3.in", &zeros),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&bomb, dir.path(), small(MIB, MIB)));
    assert!(
        matches!(&err, ArchiveError::TotalTooLarge { entry, limit } if entry == "p/data/secret/2.in" && *limit == MIB),
        "{err}"
    );
    assert!(bytes_under(dir.path()) <= MIB);
}

#[test]
fn an_archive_expanding_too_many_times_its_size_is_refused() {
    let zeros = vec![0u8; 2 << 20];
    let bomb = tar_gz_of(&[("a.in", &zeros), ("b.in", &zeros)]);
    let limits = ArchiveLimits {
        max_ratio: Some(100),
        ratio_floor_bytes: MIB,
        ..ArchiveLimits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&bomb, dir.path(), limits));
    assert!(
        matches!(&err, ArchiveError::RatioTooHigh { limit: 100, .. }),
        "{err}"
    );
    // Under the floor, the same ratio passes.
    let fine = tar_gz_of(&[("a.in", &zeros[..100_000])]);
    let dir = tempfile::tempdir().unwrap();
    unpack(&fine, dir.path(), limits).unwrap();
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<Vec<u8>> = (0..11).map(|i| format!("{i}.in").into_bytes()).collect();
    let entries: Vec<(&[u8], &[u8])> = names.iter().map(|n| (n.as_slice(), &b"1\n"[..])).collect();
    let limits = ArchiveLimits {
        max_entries: 10,
        ..ArchiveLimits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&zip_of(&entries), dir.path(), limits));
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 10 }),
        "{err}"
    );
    let tar_names: Vec<String> = (0..11).map(|i| format!("{i}.in")).collect();
    let tar_entries: Vec<(&str, &[u8])> = tar_names
        .iter()
        .map(|n| (n.as_str(), &b"1\n"[..]))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&tar_gz_of(&tar_entries), dir.path(), limits));
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 10 }),
        "{err}"
    );
    // Ten fit.
    let dir = tempfile::tempdir().unwrap();
    unpack(&zip_of(&entries[..10]), dir.path(), limits).unwrap();
}

#[test]
fn a_nul_or_control_character_in_a_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_of(&[(b"ok.in", b"1\n"), (b"data/a\0b.in", b"1\n")]);
    let err = archive_error(unpack(&zip, dir.path(), ArchiveLimits::default()));
    assert!(
        matches!(&err, ArchiveError::BadName { entry, problem: NameProblem::Control { code: 0 } } if entry == "data/a\\0b.in"),
        "{err}"
    );
    assert!(!err.is_too_large());
    let dir = tempfile::tempdir().unwrap();
    let tar = tar_gz_of(&[("data/a\nb.in", b"1\n")]);
    let err = archive_error(unpack(&tar, dir.path(), ArchiveLimits::default()));
    assert!(
        matches!(
            &err,
            ArchiveError::BadName {
                problem: NameProblem::Control { code: 10 },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn over_long_names_are_refused_without_reading_them_whole() {
    let long = "x".repeat(300);
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_of(&[(format!("data/{long}.in").as_bytes(), b"1\n")]);
    let err = archive_error(unpack(&zip, dir.path(), ArchiveLimits::default()));
    assert!(
        matches!(
            &err,
            ArchiveError::BadName {
                problem: NameProblem::ComponentTooLong { len: 303, max: 255 },
                ..
            }
        ),
        "{err}"
    );
    // The shown name is shortened.
    assert!(err.to_string().len() < 300, "{err}");
    // A 1 MB path in a GNU long-name header.
    let path = "d/".repeat(500_000) + "a.in";
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(
        &tar_gz_of(&[(&path, b"1\n")]),
        dir.path(),
        ArchiveLimits::default(),
    ));
    assert!(
        matches!(
            &err,
            ArchiveError::BadName {
                problem: NameProblem::PathTooLong { max: 4096, .. },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn long_names_within_limits_still_unpack() {
    // Past tar's 100-byte header field: a GNU long-name header the unpacker reads itself.
    let name = format!("p/data/secret/{}/{}.in", "g".repeat(200), "t".repeat(250));
    let dir = tempfile::tempdir().unwrap();
    let (root, warnings) = unpack(
        &tar_gz_of(&[(&name, b"7\n")]),
        dir.path(),
        ArchiveLimits::default(),
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(root, dir.path().join("p"));
    assert_eq!(std::fs::read(dir.path().join(&name)).unwrap(), b"7\n");
}

#[test]
fn empty_archives_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&zip_of(&[]), dir.path(), ArchiveLimits::default()));
    assert!(matches!(err, ArchiveError::Empty), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(
        &tar_gz_of(&[]),
        dir.path(),
        ArchiveLimits::default(),
    ));
    assert!(matches!(err, ArchiveError::Empty), "{err}");
    // Folders only.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.add_directory("p/data", zip::write::SimpleFileOptions::default())
        .unwrap();
    let only_dirs = w.finish().unwrap().into_inner();
    let dir = tempfile::tempdir().unwrap();
    let err = archive_error(unpack(&only_dirs, dir.path(), ArchiveLimits::default()));
    assert!(matches!(err, ArchiveError::Empty), "{err}");
}

#[test]
fn paths_out_of_the_package_are_still_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let zip = zip_of(&[
        (b"../evil.in", b"x"),
        (b"a/../../evil2.in", b"x"),
        (b"ok.in", b"1\n"),
    ]);
    let (_, warnings) = unpack(&zip, &inner, ArchiveLimits::default()).unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(!dir.path().join("evil.in").exists());
    assert!(!dir.path().join("evil2.in").exists());
    assert!(inner.join("ok.in").exists());
}
