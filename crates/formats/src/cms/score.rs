//! CMS score types turned into subtasks over testcase codenames. GroupMin is exact; Sum becomes
//! one subtask per test, which is exact too; GroupMul and GroupThreshold are approximated by
//! GroupMin (said in a warning).

use serde_yaml_ng::Value;

/// A subtask over codenames.
#[derive(Debug)]
pub(super) struct Group {
    pub name: String,
    pub points: f64,
    pub tests: Vec<String>,
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// One subtask per test, worth `per_test` each.
pub(super) fn sum(codenames: &[String], per_test: f64) -> Vec<Group> {
    codenames
        .iter()
        .map(|c| Group {
            name: c.clone(),
            points: per_test,
            tests: vec![c.clone()],
        })
        .collect()
}

/// Subtasks for `score_type` with its `score_type_parameters`, as CMS's score types pick
/// testcases: a count takes the next tests in codename order, a regex every codename it
/// matches at the start (`re.match`); counts and regexes cannot be mixed.
pub(super) fn from_score_type(
    score_type: &str,
    params: &Value,
    codenames: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<Group>, String> {
    let mut sorted = codenames.to_vec();
    sorted.sort();
    match score_type {
        "Sum" => {
            let per_test =
                number(params).ok_or("Sum takes one number (points per test) as parameter")?;
            return Ok(sum(codenames, per_test));
        }
        "GroupMin" => {}
        "GroupMul" => warnings.push(
            "score_type GroupMul (points x product of test scores) is scored as GroupMin \
             (points x minimum test score): the same when every test scores 0 or 1"
                .into(),
        ),
        "GroupThreshold" => warnings.push(
            "score_type GroupThreshold is scored as GroupMin: its per-subtask thresholds on \
             the checker's outcome are ignored"
                .into(),
        ),
        other => return Err(format!("unknown score_type {other:?}")),
    }
    let list = params
        .as_sequence()
        .ok_or("Group score types take a list of [points, tests] as parameters")?;
    let mut groups = Vec::new();
    let mut next = 0;
    let (mut counts, mut patterns) = (0, 0);
    for (i, item) in list.iter().enumerate() {
        let item = item.as_sequence().filter(|s| s.len() >= 2).ok_or(format!(
            "score_type_parameters[{i}] is not [points, tests, ...]"
        ))?;
        let points = number(&item[0]).ok_or(format!("score_type_parameters[{i}]: bad points"))?;
        let tests: Vec<String> = if let Some(n) = item[1].as_u64() {
            counts += 1;
            let end = (next + n as usize).min(sorted.len());
            let slice = sorted[next.min(end)..end].to_vec();
            next = end;
            slice
        } else if let Some(p) = item[1].as_str() {
            patterns += 1;
            let re = codename_pattern(p)?;
            let hits: Vec<String> = sorted.iter().filter(|c| re.is_match(c)).cloned().collect();
            if hits.is_empty() {
                return Err(format!("no testcase matches the regex {p:?}"));
            }
            hits
        } else {
            return Err(format!(
                "score_type_parameters[{i}]: tests must be a count or a regex"
            ));
        };
        let name = match item.get(2) {
            Some(Value::String(s)) if score_type != "GroupThreshold" => s.clone(),
            _ => format!("subtask{}", i + 1),
        };
        groups.push(Group {
            name,
            points,
            tests,
        });
    }
    if counts > 0 && patterns > 0 {
        return Err("the second value of every parameter must have the same type (all counts or all regexes), as CMS requires".into());
    }
    let covered: std::collections::HashSet<&String> =
        groups.iter().flat_map(|g| &g.tests).collect();
    let left: Vec<&str> = sorted
        .iter()
        .filter(|c| !covered.contains(c))
        .map(String::as_str)
        .collect();
    if !left.is_empty() {
        warnings.push(format!(
            "testcases in no subtask (not scored): {}",
            left.join(", ")
        ));
    }
    Ok(groups)
}

/// Subtasks from `gen/GEN` (`# ST: points` opens a subtask, every other non-empty line or
/// `# COPY:` line is a test), or `None` when it declares no subtask; `Err` on a malformed line.
pub(super) fn from_gen(text: &str) -> Result<Option<Vec<(f64, usize)>>, String> {
    let mut subtasks: Vec<(f64, usize)> = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let (test, comment) = match line.trim().split_once('#') {
            None => (line.trim(), ""),
            Some((t, c)) => (t.trim(), c.trim()),
        };
        if let Some(points) = comment.strip_prefix("ST:") {
            if !test.is_empty() {
                return Err(format!("gen/GEN line {}: a test and a command", n + 1));
            }
            if subtasks.is_empty() && count > 0 {
                return Err(format!(
                    "gen/GEN line {}: tests before the first subtask",
                    n + 1
                ));
            }
            let points = points
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("gen/GEN line {}: bad points", n + 1))?;
            if let Some(last) = subtasks.last_mut() {
                last.1 = count;
            }
            count = 0;
            subtasks.push((points, 0));
        } else if !test.is_empty() || comment.starts_with("COPY:") {
            count += 1;
        }
    }
    match subtasks.last_mut() {
        None => Ok(None),
        Some(last) => {
            last.1 = count;
            Ok(Some(subtasks))
        }
    }
}

/// A score-type parameter's pattern as CMS applies it to codenames: Python's `re.match`, which
/// is anchored at the start only.
fn codename_pattern(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(&format!("^(?:{pattern})")).map_err(|e| format!("regex {pattern:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::codename_pattern;

    fn m(p: &str, s: &str) -> bool {
        codename_pattern(p).map(|r| r.is_match(s)).unwrap_or(false)
    }

    #[test]
    fn python_re_match_semantics() {
        assert!(m("00[0-4]", "003"));
        assert!(!m("00[0-4]", "005"));
        assert!(m("0", "012"), "anchored at the start only");
        assert!(!m("0$", "012"));
        assert!(m("0(0[5-9]|1.)", "013") && m("0(0[5-9]|1.)", "007"));
        assert!(!m("0(0[5-9]|1.)", "020"));
        assert!(m(".*", "") && m("\\d{3}", "123") && !m("\\d{3}", "12"));
        assert!(m("(?:a|b)+c", "abbac") && !m("[^0-9]", "1"));
        assert!(m("a|b", "b"), "an alternation stays anchored as a whole");
        assert!(!m("x|0", "10"));
        assert!(codename_pattern("(ab").is_err() && codename_pattern("\\p").is_err());
    }
}
