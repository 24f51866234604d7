//! Polygon test groups turned into subtasks. `complete-group` groups are one all-or-nothing
//! subtask worth the group's points; `each-test` groups give one subtask per test worth that
//! test's points (one 0-point subtask when the whole group is worth nothing, e.g. samples).
//! A group is judged only when its dependencies pass, so each subtask also holds the tests of
//! every group it depends on (transitively), and `contains` lists those groups' subtasks.

use roxmltree::Node;
use sieve_domain::Subtask;
use std::collections::HashSet;

/// What problem.xml says about one test.
pub(super) struct TestSpec {
    /// 1-based, as Polygon numbers tests.
    pub number: usize,
    pub sample: bool,
    pub group: Option<String>,
    pub points: Option<f64>,
    /// The generator command, for tests Polygon generates.
    pub generated: Option<String>,
}

struct Group {
    name: String,
    points: Option<f64>,
    each_test: bool,
    deps: Vec<String>,
}

/// Subtasks over the loaded tests (`loaded[number - 1]` is the test's index, if it was read).
pub(super) fn subtasks(
    specs: &[TestSpec],
    loaded: &[Option<usize>],
    groups_el: Option<Node>,
    warnings: &mut Vec<String>,
) -> Vec<Subtask> {
    let index = |s: &TestSpec| loaded.get(s.number - 1).copied().flatten();
    let points_on = specs.iter().any(|s| s.points.unwrap_or(0.0) > 0.0);
    let mut groups = declared(groups_el, warnings);
    for s in specs {
        if let Some(g) = &s.group
            && !groups.iter().any(|d| &d.name == g)
        {
            warnings.push(format!(
                "group {g:?} is used by tests but not declared in <groups>: scored as complete-group"
            ));
            groups.push(Group {
                name: g.clone(),
                points: None,
                each_test: false,
                deps: vec![],
            });
        }
    }
    let mut subtasks = Vec::new();
    if groups.is_empty() && !points_on {
        let mut tests: Vec<usize> = specs
            .iter()
            .filter(|s| !s.sample)
            .filter_map(index)
            .collect();
        if tests.is_empty() {
            tests = specs.iter().filter_map(index).collect();
        }
        warnings.push(
            "problem.xml has no test points and no groups: the non-sample tests form one \
             all-or-nothing subtask worth 100 points"
                .into(),
        );
        subtasks.push(Subtask {
            name: "tests".into(),
            points: 100.0,
            tests,
            contains: vec![],
        });
        return subtasks;
    }
    // Tests outside any group count on their own (Polygon's each-test default with points).
    for s in specs.iter().filter(|s| s.group.is_none()) {
        if let (Some(i), Some(p)) = (index(s), s.points.filter(|p| *p > 0.0)) {
            subtasks.push(single(format!("test{}", s.number), p, i));
        }
    }
    let mut own: Vec<Vec<usize>> = Vec::new();
    let mut made: Vec<Vec<usize>> = Vec::new();
    for g in &groups {
        let members: Vec<&TestSpec> = specs
            .iter()
            .filter(|s| s.group.as_deref() == Some(&g.name))
            .collect();
        let tests: Vec<usize> = members.iter().filter_map(|s| index(s)).collect();
        let sum: f64 = members.iter().filter_map(|s| s.points).sum();
        if let Some(p) = g.points
            && (p - sum).abs() > 1e-9
            && sum > 0.0
        {
            warnings.push(format!(
                "group {}: points=\"{p}\" but its tests add up to {sum}: using {}",
                g.name,
                if g.each_test {
                    "the tests' points"
                } else {
                    "the group's points"
                }
            ));
        }
        let first = subtasks.len();
        if g.each_test && sum > 0.0 {
            for s in &members {
                if let (Some(i), Some(p)) = (index(s), s.points.filter(|p| *p > 0.0)) {
                    subtasks.push(single(format!("{}/{}", g.name, s.number), p, i));
                }
            }
        } else {
            subtasks.push(Subtask {
                name: g.name.clone(),
                points: if g.each_test {
                    0.0
                } else {
                    g.points.unwrap_or(sum)
                },
                tests: tests.clone(),
                contains: vec![],
            });
        }
        own.push(tests);
        made.push((first..subtasks.len()).collect());
    }
    for (gi, g) in groups.iter().enumerate() {
        let mut seen = HashSet::from([gi]);
        let mut stack: Vec<&String> = g.deps.iter().collect();
        let (mut tests, mut contains) = (Vec::new(), Vec::new());
        while let Some(d) = stack.pop() {
            let Some(di) = groups.iter().position(|x| &x.name == d) else {
                warnings.push(format!(
                    "group {}: unknown dependency {d:?} ignored",
                    g.name
                ));
                continue;
            };
            if seen.insert(di) {
                tests.extend(&own[di]);
                contains.extend(&made[di]);
                stack.extend(&groups[di].deps);
            }
        }
        contains.sort_unstable();
        for &si in &made[gi] {
            let st = &mut subtasks[si];
            st.tests.extend(&tests);
            st.tests.sort_unstable();
            st.tests.dedup();
            st.contains = contains.clone();
        }
    }
    for st in &subtasks {
        if st.tests.is_empty() && st.points > 0.0 {
            warnings.push(format!(
                "subtask {} has none of its tests in the package: it scores nothing",
                st.name
            ));
        }
    }
    subtasks
}

fn single(name: String, points: f64, test: usize) -> Subtask {
    Subtask {
        name,
        points,
        tests: vec![test],
        contains: vec![],
    }
}

fn declared(groups_el: Option<Node>, warnings: &mut Vec<String>) -> Vec<Group> {
    let mut groups = Vec::new();
    for g in groups_el
        .into_iter()
        .flat_map(|e| e.children())
        .filter(|n| n.has_tag_name("group"))
    {
        let name = g.attribute("name").unwrap_or_default().to_string();
        // feedback-policy only decides what contestants are shown.
        for a in g.attributes() {
            if !["name", "points", "points-policy", "feedback-policy"].contains(&a.name()) {
                warnings.push(format!("group {name}: attribute {} ignored", a.name()));
            }
        }
        let each_test = match g.attribute("points-policy") {
            Some("each-test") => true,
            Some("complete-group") | None => false,
            Some(other) => {
                warnings.push(format!(
                    "group {name}: points-policy {other:?} unknown: scored as complete-group"
                ));
                false
            }
        };
        let deps = g
            .descendants()
            .filter(|n| n.has_tag_name("dependency"))
            .filter_map(|n| n.attribute("group").map(String::from))
            .collect();
        groups.push(Group {
            points: g.attribute("points").and_then(|p| p.trim().parse().ok()),
            name,
            each_test,
            deps,
        });
    }
    groups
}
