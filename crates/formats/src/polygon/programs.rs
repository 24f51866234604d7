//! The programs a Polygon package ships: its checker (standard checkers mapped to built-in
//! comparisons, anything else compiled as a testlib checker), its interactor (a testlib
//! interactor whose output the checker judges) and IOI-style graders (resource files linked
//! with solutions).

use super::within;
use crate::{FormatError, PackageChecker, SourceFile, read};
use roxmltree::Node;
use sieve_domain::{Checker, Language};
use std::path::Path;

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

/// The built-in comparison a standard checker (`std::NAME.cpp`) stands for, and what is lost.
fn standard(name: &str) -> Option<(PackageChecker, Option<&'static str>)> {
    let float = |eps: f64| Checker::Float { abs: eps, rel: eps };
    Some(match name {
        "wcmp" | "ncmp" | "icmp" | "hcmp" => (Checker::Tokens, None),
        "lcmp" => (
            Checker::Tokens,
            Some("std::lcmp compares line by line; tokens are compared regardless of lines"),
        ),
        "fcmp" => (Checker::Exact, None),
        "rcmp4" => (float(1e-4), None),
        "rcmp6" => (float(1e-6), None),
        "rcmp9" => (float(1e-9), None),
        "yesno" | "nyesno" => (Checker::CaseInsensitive, None),
        _ => return None,
    })
}

fn language(source: Node, path: &str) -> Language {
    match source.attribute("type") {
        Some(t) if t.starts_with("cpp") && (t.ends_with("20") || t.ends_with("23")) => {
            Language::Cpp20
        }
        Some(t) if t.starts_with("c.") => Language::C17,
        _ => Language::from_extension(path).unwrap_or(Language::Cpp17),
    }
}

pub(super) fn checker(
    dir: &Path,
    root: Node,
    warnings: &mut Vec<String>,
) -> Result<PackageChecker, FormatError> {
    let Some(el) = root.descendants().find(|n| {
        n.has_tag_name("checker") && n.parent().is_some_and(|p| p.has_tag_name("assets"))
    }) else {
        warnings.push("problem.xml has no <checker>: outputs compared token by token".into());
        return Ok(Checker::Tokens);
    };
    if let Some(t) = el.attribute("type").filter(|t| *t != "testlib") {
        warnings.push(format!(
            "checker type {t:?} is not testlib: run as a testlib checker"
        ));
    }
    let std_name = el
        .attribute("name")
        .and_then(|n| n.strip_prefix("std::"))
        .map(|n| n.trim_end_matches(".cpp"));
    if let Some((builtin, loss)) = std_name.and_then(standard) {
        if let Some(loss) = loss {
            warnings.push(loss.into());
        }
        return Ok(builtin);
    }
    let source = el.children().find(|n| n.has_tag_name("source"));
    let Some((source, path)) = source.and_then(|s| Some((s, s.attribute("path")?))) else {
        warnings.push("<checker> has no <source>: outputs compared token by token".into());
        return Ok(Checker::Tokens);
    };
    let main_path = within(dir, path)?;
    if !main_path.is_file() {
        warnings.push(format!(
            "checker source {path} is missing: outputs compared token by token"
        ));
        return Ok(Checker::Tokens);
    }
    Ok(PackageChecker::custom(
        sieve_domain::CheckerProtocol::Testlib,
        crate::CheckerSource {
            language: language(source, path),
            files: program_files(dir, root, path, warnings)?,
        },
    ))
}

/// The problem's interactor (`<interactor>` among the assets), judged with `checker` reading
/// what it writes; without one, `checker` alone.
pub(super) fn interactor(
    dir: &Path,
    root: Node,
    checker: PackageChecker,
    warnings: &mut Vec<String>,
) -> Result<PackageChecker, FormatError> {
    let Some(el) = root.descendants().find(|n| {
        n.has_tag_name("interactor") && n.parent().is_some_and(|p| p.has_tag_name("assets"))
    }) else {
        return Ok(checker);
    };
    let source = el.children().find(|n| n.has_tag_name("source"));
    let found = source
        .and_then(|s| Some((s, s.attribute("path")?)))
        .filter(|(_, path)| within(dir, path).is_ok_and(|p| p.is_file()));
    let Some((source, path)) = found else {
        warnings.push("the <interactor>'s source is missing: judged as a batch problem".into());
        return Ok(checker);
    };
    Ok(PackageChecker::TestlibInteractive {
        program: crate::CheckerSource {
            language: language(source, path),
            files: program_files(dir, root, path, warnings)?,
        },
        then: Some(Box::new(checker)),
    })
}

/// A checker's or interactor's source `path` (present), with the headers it may include: the
/// package's resource headers and `files/testlib.h`.
fn program_files(
    dir: &Path,
    root: Node,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<SourceFile>, FormatError> {
    let main = read(&within(dir, path)?)?;
    let mut files = vec![SourceFile {
        name: file_name(path),
        source: main.clone(),
    }];
    // Headers among the resources are available to the program (testlib.h, shared headers).
    let headers = resources(root)
        .filter(|f| !is_grader(*f))
        .filter_map(|f| f.attribute("path"))
        .filter(|p| p.ends_with(".h") || p.ends_with(".hpp"));
    for p in headers.chain(["files/testlib.h"]) {
        let name = file_name(p);
        let full = within(dir, p)?;
        if full.is_file() && !files.iter().any(|f| f.name == name) {
            files.push(SourceFile {
                name,
                source: read(&full)?,
            });
        }
    }
    let wants_testlib = String::from_utf8_lossy(&main).contains("testlib.h");
    if wants_testlib && !files.iter().any(|f| f.name == "testlib.h") {
        warnings.push(format!(
            "{path} includes testlib.h, but the package has no files/testlib.h: it will not compile"
        ));
    }
    Ok(files)
}

fn resources<'a, 'i>(root: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    root.descendants()
        .filter(|n| n.has_tag_name("resources"))
        .flat_map(|r| r.children())
        .filter(|n| n.has_tag_name("file"))
}

/// A resource linked with solutions: a grader, or a header graders and solutions share.
fn is_grader(file: Node) -> bool {
    file.descendants()
        .any(|n| n.has_tag_name("asset") && n.attribute("name") == Some("solution"))
}

pub(super) fn graders(
    dir: &Path,
    root: Node,
    warnings: &mut Vec<String>,
) -> Result<Vec<SourceFile>, FormatError> {
    let mut files = Vec::new();
    let mut other = Vec::new();
    for f in resources(root).filter(|f| is_grader(*f)) {
        let Some(path) = f.attribute("path") else {
            continue;
        };
        let for_types = f
            .attribute("for-types")
            .or_else(|| f.attribute("for-type"))
            .unwrap_or("*");
        let c_family = for_types
            .split([';', ':'])
            .any(|t| t == "*" || t.starts_with("cpp") || t.starts_with("c."));
        if !c_family {
            other.push(path);
        } else if within(dir, path)?.is_file() {
            files.push(SourceFile {
                name: file_name(path),
                source: read(&within(dir, path)?)?,
            });
        } else {
            warnings.push(format!("grader {path} is missing"));
        }
    }
    if !other.is_empty() {
        warnings.push(format!(
            "graders for other languages not used: {}",
            other.join(", ")
        ));
    }
    Ok(files)
}
