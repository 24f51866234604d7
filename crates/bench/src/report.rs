//! How benchmarks print: markdown tables and notes for a person; under `sieve bench --json`, one
//! JSON object per table on stdout (`{"table": title, "rows": [{column: value}]}`, figures as
//! numbers) and the notes on stderr. Progress bars draw on a terminal only, never under `--json`.

use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, Ordering};

// One switch for the whole run: a benchmark is one command, and every module prints through here.
static JSON: AtomicBool = AtomicBool::new(false);

/// Makes this run print JSON (`sieve bench --json`).
pub(crate) fn set_json(on: bool) {
    JSON.store(on, Ordering::Relaxed);
}

/// Whether this run prints JSON.
pub(crate) fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Prints a line for a person: on stdout, or on stderr under `--json` (stdout holds the tables).
macro_rules! note {
    ($($arg:tt)*) => {
        if $crate::report::json() {
            eprintln!($($arg)*);
        } else {
            println!($($arg)*);
        }
    };
}
pub(crate) use note;

/// A progress bar of `len` steps on stderr, drawn only on a terminal and never under `--json`.
pub(crate) fn bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if json() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// One cell: what a person reads, and its value in JSON.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    shown: String,
    value: Value,
}

impl Cell {
    /// A figure shown with `decimals` places.
    pub(crate) fn num(value: f64, decimals: usize) -> Cell {
        Cell {
            shown: format!("{value:.decimals$}"),
            value: number(value),
        }
    }

    /// A figure shown as `shown` (with a unit, say).
    pub(crate) fn shown(value: f64, shown: impl Into<String>) -> Cell {
        Cell {
            shown: shown.into(),
            value: number(value),
        }
    }

    /// Nothing (`null` in JSON).
    pub(crate) fn empty() -> Cell {
        Cell {
            shown: String::new(),
            value: Value::Null,
        }
    }

    /// A ratio to a baseline, shown as `1.23x`.
    pub(crate) fn ratio(value: f64) -> Cell {
        Cell::shown(value, format!("{value:.2}x"))
    }
}

fn number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell {
            value: Value::String(s.clone()),
            shown: s,
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::from(s.to_string())
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell {
            shown: n.to_string(),
            value: Value::from(n),
        }
    }
}

/// A table of figures.
#[derive(Debug)]
pub(crate) struct Table {
    title: String,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table called `title` with these columns.
    pub(crate) fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (as many cells as columns).
    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "{}", self.title);
        self.rows.push(cells);
    }

    /// Prints it: a markdown table under its title, or one JSON object under `--json`.
    pub(crate) fn print(&self) {
        if json() {
            let rows: Vec<Value> = self
                .rows
                .iter()
                .map(|row| {
                    let keyed: Map<String, Value> = self
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, cell)| (c.clone(), cell.value.clone()))
                        .collect();
                    Value::Object(keyed)
                })
                .collect();
            println!("{}", serde_json::json!({"table": self.title, "rows": rows}));
            return;
        }
        println!("\n{}\n", self.title);
        println!("| {} |", self.columns.join(" | "));
        println!("|{}", "---|".repeat(self.columns.len()));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| c.shown.replace('|', "\\|")).collect();
            println!("| {} |", cells.join(" | "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_keeps_its_value_and_its_look() {
        let c = Cell::ratio(1.23456);
        assert_eq!(c.shown, "1.23x");
        assert_eq!(c.value, serde_json::json!(1.23456));
        assert_eq!(Cell::num(f64::NAN, 1).value, Value::Null);
        let c = Cell::from(3usize);
        assert_eq!((c.shown.as_str(), c.value), ("3", serde_json::json!(3)));
    }
}
